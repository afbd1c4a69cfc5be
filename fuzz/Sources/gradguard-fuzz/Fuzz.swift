import Foundation
import GradGuard

/// The reader under test, named by `GRADGUARD_FUZZ_TARGET` (see `FuzzTargets.all`).
let target: @Sendable (Data) -> String? = {
    let name = ProcessInfo.processInfo.environment["GRADGUARD_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set GRADGUARD_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point: one input, read by the chosen reader. An error is a fine answer;
/// a trap is a finding, and so is an error that does not name its source.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    if let message = target(Data(bytes: bytes, count: count)), !message.hasPrefix(FuzzTargets.source) {
        fatalError("an error that does not name its source: \(message)")
    }
    return 0
}

/// libFuzzer's driver, called from the executable's entry point below.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM links an executable's `main` to `MODULE_main`; under `-parse-as-library` it is this,
/// which hands the command line to libFuzzer.
@_cdecl("gradguard_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { bytes, size in
        guard let bytes else { return fuzz(UnsafePointer(bitPattern: 1)!, 0) }
        return fuzz(bytes, size)
    }
}
