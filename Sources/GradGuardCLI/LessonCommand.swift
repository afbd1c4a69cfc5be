import ArgumentParser
import Foundation
import GradGuard

/// `gradguard lesson [NAME]`: a claim about vanishing and exploding gradients, measured and drawn.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Measure and draw one claim about vanishing or exploding gradients (no name: list the lessons).",
        discussion: """
            Each lesson runs real measurements or real training, prints a table and its \
            conclusion, and writes FOLDER/NAME.html (a self-contained page with its plots) and \
            FOLDER/NAME.json (every number). See docs/lessons.md.
            """)

    @Argument(help: "The lesson to run; without one, the lessons are listed.") var name: String?
    @Option(help: "tiny, standard or large (default standard: under a minute).") var size = "standard"
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Folder for NAME.html and NAME.json (default: lessons).") var out = "lessons"
    @Flag(help: "Print the JSON document instead of the table.") var json = false

    func run() throws {
        guard let name else {
            print("Lessons (gradguard lesson NAME):")
            let width = LessonCatalog.all.map(\.name.count).max() ?? 0
            for lesson in LessonCatalog.all { print("  \(lesson.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(lesson.summary)") }
            return
        }
        guard let lesson = LessonCatalog.lesson(named: name) else {
            throw CLIError("unknown lesson \"\(name)\"; known: \(LessonCatalog.all.map(\.name).joined(separator: ", "))")
        }
        guard let size = LessonSize(rawValue: size) else {
            throw CLIError("--size: unknown size \"\(size)\"; known: \(LessonSize.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let start = Date()
        let result = try lesson.run(size, seed) { line in
            if !json { print(String(format: "[%5.1f s] ", Date().timeIntervalSince(start)) + line) }
        }
        let document = try LessonPage.json(result)
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(LessonPage.html(result).utf8).write(to: folder.appendingPathComponent("\(name).html"), options: .atomic)
            try document.write(to: folder.appendingPathComponent("\(name).json"), options: .atomic)
        } catch {
            throw CLIError("\(out): cannot write the lesson's files: \(error.localizedDescription)")
        }
        if json {
            print(String(decoding: document, as: UTF8.self))
        } else {
            print("\n" + LessonPage.text(result))
            print("page: \(folder.appendingPathComponent("\(name).html").path)")
        }
    }
}
