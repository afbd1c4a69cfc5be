import Checkpoints
import Doctor
import Experiments
import Foundation
import Monitor
import Reports
import Runs
import TensorCore
import TestSupport
import XCTest

/// A doctor session on a short version of the built-in vanishing-gradient example, saved once
/// with TensorBoard files and shared by the tests below.
final class RunFolderTests: XCTestCase {
    struct Session {
        let folder: String
        let report: DoctorReport
        let original: MonitoredRun
        let repairs: [MonitoredRun]
    }

    nonisolated(unsafe) static var saved: Session?

    static func session() throws -> Session {
        if let saved { return saved }
        let text = DefaultExperiment.json.replacingOccurrences(of: "\"epochs\": 10", with: "\"steps\": 60")
        let experiment = try Experiment.parse(Data(text.utf8), file: "short.json")
        let outcome = try Doctor(budget: .infinity).examine(experiment)  // independent of the machine's speed
        let root = try ExternalTool.temporaryFolder()
        let folder = try RunFolder(root: root, name: experiment.name, status: RunStatus(
            command: "doctor", experimentFolder: root, experimentFile: "short.json", monitorEvery: 1, tensorboard: true, totalSteps: 60))
        try folder.save(experimentText: Data(text.utf8), report: outcome.report, original: outcome.original, repairs: outcome.repairs, tensorboard: true)
        let session = Session(folder: folder.path, report: outcome.report, original: outcome.original, repairs: outcome.repairs)
        saved = session
        return session
    }

    override class func tearDown() {
        if let folder = saved?.folder { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: folder).deletingLastPathComponent().path) }
        super.tearDown()
    }

    func file(_ name: String) throws -> String {
        try String(contentsOfFile: URL(fileURLWithPath: try Self.session().folder).appendingPathComponent(name).path, encoding: .utf8)
    }

    func testFolderHoldsEveryFile() throws {
        let s = try Self.session()
        XCTAssertEqual(s.report.verdict, "vanishing_gradient")
        XCTAssertFalse(s.report.repairs.isEmpty)
        let names = try FileManager.default.contentsOfDirectory(atPath: s.folder)
        let best = try XCTUnwrap(s.report.bestRemedy, "the short vanishing example has a confirmed fix")
        XCTAssertEqual(Set(names), ["experiment.json", "status.json", "metrics.jsonl", "metrics.csv", "loss_curves.csv", "weights.safetensors",
                                    "doctor.json", "report.html", "tensorboard", "fix_metrics.jsonl"])
        // The fix's records are the recommended remedy's run, and the report draws its gradient flow.
        let fixRun = try XCTUnwrap(s.report.repairs.firstIndex { $0.remedy == best }.map { s.repairs[$0] })
        XCTAssertEqual(try file("fix_metrics.jsonl"), fixRun.metricsJSONLines)
        XCTAssertTrue(try file("report.html").contains("After the fix, \(best)"))
        let runs = try FileManager.default.contentsOfDirectory(atPath: s.folder + "/tensorboard")
        XCTAssertEqual(Set(runs), Set(["original"] + s.report.repairs.map(\.remedy)))
        for run in runs {
            let files = try FileManager.default.contentsOfDirectory(atPath: s.folder + "/tensorboard/" + run)
            XCTAssertEqual(files.count, 1)
            XCTAssertTrue(files[0].hasPrefix("events.out.tfevents."), files[0])
        }
        let weights = try SafetensorsFile.read(path: s.folder + "/weights.safetensors").tensors(as: Float.self)
        XCTAssertEqual(weights, s.original.weights)
    }

    func testReportHasEverySectionAndNothingFromOutside() throws {
        let html = try file("report.html")
        for id in HTMLReport.sections + ["confusion"] { XCTAssertTrue(html.contains("<section id=\"\(id)\">"), "section \(id) missing") }
        XCTAssertFalse(html.contains("<section id=\"validation\">"), "no validation set, no section")
        XCTAssertTrue(html.contains("<div class=\"k\">best remedy</div>"), "the summary cards")
        // Loss curves of every run, a heat map with a colour bar, histograms, the tables.
        let s = try Self.session()
        for label in ["original"] + s.report.repairs.map(\.remedy) { XCTAssertTrue(html.contains(">\(label)</text>"), "legend entry \(label)") }
        XCTAssertTrue(html.contains("linearGradient"), "the heat map's colour bar")
        XCTAssertTrue(html.contains("‖∂L/∂z‖"))
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<svg").count - 1, 3 + 3 * 9, "3 charts + 3 histograms × 9 layers")
        XCTAssertTrue(html.contains("sigmoid outputs"))
        XCTAssertTrue(html.contains("predicted factor"))
        XCTAssertTrue(html.contains("relu_he_init"))
        XCTAssertTrue(html.contains("training step"), "axes are labelled")
        // Self-contained: no URL, script, external stylesheet, font or image.
        for forbidden in ["http:", "https:", "//cdn", "<script", "<link", "@import", "@font-face", "<img", "src=", "href="] {
            XCTAssertFalse(html.lowercased().contains(forbidden), "the report must not contain \(forbidden)")
        }
        XCTAssertFalse(html.replacingOccurrences(of: "url(#", with: "").contains("url("), "only in-page url(#…) references")
    }

    func testReportRebuildsFromTheSavedFiles() throws {
        let s = try Self.session()
        let artifacts = try RunArtifacts.load(folder: s.folder)
        XCTAssertEqual(artifacts.records, s.original.records)
        XCTAssertEqual(artifacts.report.verdict, s.report.verdict)
        XCTAssertEqual(artifacts.report.repairs, s.report.repairs)
        XCTAssertEqual(artifacts.report.explanation, s.report.explanation)
        XCTAssertEqual(artifacts.lossCurves.runs.map(\.label), ["original"] + s.report.repairs.map(\.remedy))
        XCTAssertEqual(artifacts.lossCurves.runs[0].losses, s.original.history.stepLosses)
        let rebuilt = HTMLReport.html(artifacts), saved = try file("report.html")
        XCTAssertTrue(rebuilt == saved, "the rebuilt page differs from the saved one at character \(zip(rebuilt, saved).prefix { $0 == $1 }.count)")
    }

    func testStatusSaysCompleteAndTheReportKnowsIt() throws {
        let s = try Self.session()
        let status = try RunFolder(existing: s.folder).status
        XCTAssertEqual(status.state, .complete)
        XCTAssertEqual(status.command, "doctor")
        XCTAssertEqual(status.step, s.original.final.steps)
        XCTAssertFalse(try RunArtifacts.load(folder: s.folder).isUnfinished)
        XCTAssertFalse(try file("report.html").contains("Unfinished run"))
    }

    func testMetricsCSVHasOneRowPerStepAndLayer() throws {
        let s = try Self.session()
        let lines = try file("metrics.csv").split(separator: "\n")
        XCTAssertEqual(String(lines[0]), MetricsCSV.columns.joined(separator: ","))
        XCTAssertEqual(lines.count - 1, s.original.records.reduce(0) { $0 + $1.layers.count })
        let first = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(first.count, MetricsCSV.columns.count)
        let record = s.original.records[0], layer = record.layers[0]
        XCTAssertEqual(first[0], "0")
        XCTAssertEqual(Double(first[2]), record.loss)
        XCTAssertEqual(first[6], layer.path)
        XCTAssertEqual(Double(first[MetricsCSV.columns.firstIndex(of: "weight_norm")!]), layer.weightNorm)
        XCTAssertEqual(first[MetricsCSV.columns.firstIndex(of: "dead_fraction")!], "", "no ReLU: empty cell")
    }

    func testMissingOrBrokenFolderIsAClearError() throws {
        XCTAssertThrowsError(try RunArtifacts.load(folder: "/nonexistent/run")) {
            XCTAssertEqual("\($0)", "/nonexistent/run: no such folder")
        }
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertThrowsError(try RunArtifacts.load(folder: folder)) {
            XCTAssertEqual("\($0)", "\(folder)/experiment.json: no such file (is \(folder) a GradGuard run folder?)")
        }
        for name in ["doctor.json", "metrics.jsonl", "loss_curves.csv", "experiment.json"] {
            try FileManager.default.copyItem(atPath: try Self.session().folder + "/" + name, toPath: folder + "/" + name)
        }
        try "{\"step\": \"zero\"}\n".write(toFile: folder + "/metrics.jsonl", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunArtifacts.load(folder: folder)) {
            XCTAssertTrue("\($0)".hasPrefix(folder + "/metrics.jsonl: line 1: not a step record"), "\($0)")
        }
    }

    /// Headless Chromium renders the page; the picture has many colours and is far from white.
    func testChromiumRendersTheReport() throws {
        guard let chromium = ExternalTool.find("chromium", "chromium-browser", "google-chrome") else {
            throw XCTSkip("Chromium not found (apt-get install chromium): the report's rendering is not checked")
        }
        let s = try Self.session()
        let png = URL(fileURLWithPath: s.folder).deletingLastPathComponent().appendingPathComponent("report.png").path
        let result = try ExternalTool.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                     "--window-size=1200,2400", "--screenshot=\(png)", "file://\(s.folder)/report.html"])
        XCTAssertEqual(result.status, 0, result.output)
        let image = try PNGImage(Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(image.width, 1200)
        let colours = Set(image.pixels.map { Int($0.0) << 16 | Int($0.1) << 8 | Int($0.2) })
        let inked = image.pixels.filter { Int($0.0) + Int($0.1) + Int($0.2) < 600 }.count
        XCTAssertGreaterThan(colours.count, 100, "a rendered report has charts in many colours")
        XCTAssertGreaterThan(Double(inked) / Double(image.pixels.count), 0.03, "text and charts cover part of the page")
    }
}

final class LossCurvesTests: XCTestCase {
    func testCSVRoundTripWithUnevenRunsAndNonFiniteLosses() throws {
        let curves = LossCurves(runs: [("original", [2.5, .nan, .infinity, 1e-7]), ("a, \"quoted\" remedy", [3, 2])])
        let text = curves.csv()
        XCTAssertTrue(text.hasPrefix("step,original,\"a, \"\"quoted\"\" remedy\"\n0,2.5,3.0\n1,nan,2.0\n2,inf,\n"), text)
        XCTAssertEqual(try LossCurves.parse(text, source: "l.csv"), curves)
    }

    func testMalformedCSVNamesLineAndColumn() {
        XCTAssertThrowsError(try LossCurves.parse("epoch,a\n", source: "l.csv")) { XCTAssertEqual("\($0)", "l.csv: expected a header row starting with “step”") }
        XCTAssertThrowsError(try LossCurves.parse("step,a\n0,1,2\n", source: "l.csv")) { XCTAssertEqual("\($0)", "l.csv: line 2: 3 fields, the header has 2") }
        XCTAssertThrowsError(try LossCurves.parse("step,a\n0,x\n", source: "l.csv")) { XCTAssertEqual("\($0)", "l.csv: line 2, column a: “x” is not a number") }
    }
}
