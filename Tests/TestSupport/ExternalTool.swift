import Foundation

/// Runs the outside programs some tests check GradGuard's files with (Python's safetensors and
/// TensorBoard, headless Chromium). Tests skip with a message when a tool is missing.
public enum ExternalTool {
    /// The result of one run: exit status and standard output and error together.
    public struct Result: Sendable {
        public let status: Int32
        public let output: String

        /// The JSON object the run printed: the output from its first `{`, past any notes the
        /// program wrote to standard error first (such as one about the BLAS kernel).
        public func jsonObject() throws -> NSDictionary {
            guard let start = output.firstIndex(of: "{"),
                  let object = try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? NSDictionary else {
                throw CocoaError(.propertyListReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "no JSON object in: \(output)"])
            }
            return object
        }
    }

    /// The first of `names` found on PATH, as a full path.
    public static func find(_ names: String...) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments` (and `environment` added to this process's) and waits for it.
    public static func run(_ executable: String, _ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }

    /// python3, when it can import every one of `modules`; nil otherwise.
    public static func python(with modules: [String]) -> String? {
        guard let python = find("python3") else { return nil }
        let imports = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? run(python, ["-c", imports]))?.status == 0 ? python : nil
    }

    /// The `gradguard` executable `swift test` built beside the test bundle.
    public static var gradguard: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gradguard").path
    }

    /// A new empty temporary folder.
    public static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradguard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
