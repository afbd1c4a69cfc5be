import Foundation
import TestSupport
import XCTest

/// Early stopping through the CLI, then `evaluate` and `predict` on the run folder it wrote.
final class EvaluateCommandTests: XCTestCase {
    func testEarlyStoppingThenEvaluateReproducesTheRunAndPredictWritesCSV() throws {
        let folder = try ExternalTool.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let experiment = (folder as NSString).appendingPathComponent("es.json")
        try #"""
        {"data": {"kind": "spirals", "classes": 3, "samples": 300, "noise": 0.2}, "seed": 2,
         "model": [{"type": "mlp", "sizes": [2, 32, 32, 3], "activation": "tanh"}],
         "optimizer": {"type": "adam", "lr": 0.05}, "epochs": 200, "patience": 3, "batch_size": 32}
        """#.write(toFile: experiment, atomically: true, encoding: .utf8)
        let train = try ExternalTool.run(ExternalTool.gradguard, ["train", experiment, "--runs", folder])
        XCTAssertEqual(train.status, 0, train.output)
        XCTAssertTrue(train.output.contains("val loss"), train.output)
        let stop = try XCTUnwrap(train.output.range(of: #"early stopping ended training after epoch (\d+)"#, options: .regularExpression),
                                 "200 epochs with patience 3 must stop early: \(train.output)")
        let run = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasPrefix("es-") })
        let runPath = (folder as NSString).appendingPathComponent(run)
        XCTAssertTrue(FileManager.default.fileExists(atPath: (runPath as NSString).appendingPathComponent("best.safetensors")))
        let doctor = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runPath).appendingPathComponent("doctor.json"))) as! [String: Any]
        let validation = try XCTUnwrap(doctor["validation"] as? [String: Any])
        let stoppedAfter = try XCTUnwrap(validation["stopped_early_after_epoch"] as? Int)
        XCTAssertTrue(train.output[stop].hasSuffix(" \(stoppedAfter)"))
        XCTAssertEqual((validation["scores"] as? [Any])?.count, stoppedAfter)
        let final = try XCTUnwrap(doctor["final"] as? [String: Any])
        let report = try String(contentsOfFile: (runPath as NSString).appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("<section id=\"validation\">") && report.contains("<section id=\"confusion\">"))
        XCTAssertTrue(report.contains("stopped early after epoch \(stoppedAfter)"))
        XCTAssertEqual((doctor["confusion"] as? [[Int]])?.flatMap { $0 }.reduce(0, +), 60)

        // evaluate on the test set with the final weights gives the run's final metrics.
        let evaluate = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath, "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.output)
        let scored = try evaluate.jsonObject() as! [String: Any]
        XCTAssertEqual(scored["loss"] as? Double, final["loss"] as? Double)
        XCTAssertEqual(scored["accuracy"] as? Double, final["accuracy"] as? Double)
        XCTAssertEqual(scored["samples"] as? Int, 60)
        let confusion = try XCTUnwrap(scored["confusion"] as? [[Int]])
        XCTAssertEqual(confusion.flatMap { $0 }.reduce(0, +), 60)
        XCTAssertEqual(Double((0..<3).map { confusion[$0][$0] }.reduce(0, +)) / 60, try XCTUnwrap(scored["accuracy"] as? Double), accuracy: 1e-12)

        // The best weights score the validation set as the best epoch did.
        let best = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath, "--weights", "best", "--split", "validation", "--json"])
        let bestScore = try best.jsonObject() as! [String: Any]
        let bestEpoch = try XCTUnwrap(validation["best_epoch"] as? Int)
        let recorded = (validation["scores"] as! [[String: Any]]).first { $0["epoch"] as? Int == bestEpoch }
        XCTAssertEqual(bestScore["loss"] as? Double, recorded?["loss"] as? Double)

        // Text output, and errors that name the problem.
        let text = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath])
        XCTAssertTrue(text.output.contains("confusion matrix (rows: true class, columns: predicted)"), text.output)
        let badSplit = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath, "--split", "dev"])
        XCTAssertNotEqual(badSplit.status, 0)
        XCTAssertTrue(badSplit.output.contains("--split must be train, validation or test"), badSplit.output)
        let notARun = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", folder])
        XCTAssertTrue(notARun.output.contains("has no status.json"), notARun.output)

        // DATA: another spirals draw, scored whole; a data file of the wrong shape is refused.
        let other = (folder as NSString).appendingPathComponent("other.json")
        try #"{"data": {"kind": "spirals", "classes": 3, "samples": 90}}"#.write(toFile: other, atomically: true, encoding: .utf8)
        let onOther = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath, other])
        XCTAssertEqual(onOther.status, 0, onOther.output)
        XCTAssertTrue(onOther.output.contains("90 samples"), onOther.output)
        let wrong = (folder as NSString).appendingPathComponent("wrong.json")
        try #"{"kind": "digits"}"#.write(toFile: wrong, atomically: true, encoding: .utf8)
        let onWrong = try ExternalTool.run(ExternalTool.gradguard, ["evaluate", runPath, wrong])
        XCTAssertNotEqual(onWrong.status, 0)
        XCTAssertTrue(onWrong.output.contains("one sample is [64], the model was trained on [2]"), onWrong.output)

        // predict: one row per sample, probabilities that sum to 1.
        let inputs = (folder as NSString).appendingPathComponent("x.csv")
        try "x,y\n0.5,0.1\n-0.3,0.8\n".write(toFile: inputs, atomically: true, encoding: .utf8)
        let predict = try ExternalTool.run(ExternalTool.gradguard, ["predict", runPath, inputs])
        XCTAssertEqual(predict.status, 0, predict.output)
        let rows = predict.output.split(separator: "\n")
        XCTAssertEqual(rows.first, "class,p_0,p_1,p_2")
        XCTAssertEqual(rows.count, 3)
        for row in rows.dropFirst() {
            let fields = row.split(separator: ",")
            XCTAssertEqual(fields.dropFirst().compactMap { Double($0) }.reduce(0, +), 1, accuracy: 1e-5)
            let probabilities = fields.dropFirst().compactMap { Double($0) }
            XCTAssertEqual(Int(fields[0]), probabilities.firstIndex(of: probabilities.max()!))
        }
        try "a,b,c\n1,2,3\n".write(toFile: inputs, atomically: true, encoding: .utf8)
        let badInputs = try ExternalTool.run(ExternalTool.gradguard, ["predict", runPath, inputs])
        XCTAssertNotEqual(badInputs.status, 0)
        XCTAssertTrue(badInputs.output.contains("one sample is [3], the model was trained on [2]"), badInputs.output)
    }
}
