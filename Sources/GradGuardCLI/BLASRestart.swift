import Foundation
import GradGuard

/// Restarts `gradguard` with `OPENBLAS_CORETYPE` set when OpenBLAS picked a narrower GEMM kernel
/// than the CPU supports (see `BLASKernel`): OpenBLAS reads the variable only when it loads, so
/// the process must start again. A user's own `OPENBLAS_CORETYPE` is kept unless
/// `GRADGUARD_REPLACE_CORETYPE=1` (with a note on standard error when it is narrower than the
/// CPU's); `GRADGUARD_KEEP_BLAS_KERNEL=1` turns the restart and the note off.
enum BLASRestart {
    /// The variable that marks a restarted process, holding the kernel it replaced (after
    /// `userPrefix` when that came from the environment's `OPENBLAS_CORETYPE`).
    static let marker = "GRADGUARD_BLAS_RESTARTED"

    static func ifNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["GRADGUARD_KEEP_BLAS_KERNEL"] != "1", environment[marker] == nil else { return }
        let chosenByUser = !(environment["OPENBLAS_CORETYPE"] ?? "").isEmpty
        guard let better = BLASKernel.betterCoreType else { return }
        guard !chosenByUser || environment["GRADGUARD_REPLACE_CORETYPE"] == "1" else {
            if CommandLine.arguments.dropFirst().first.map(trainingCommands.contains) == true { warnAboutUsersKernel(better: better) }
            return
        }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(marker, (chosenByUser ? userPrefix : "") + BLASKernel.coreName, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when the restart failed: go on with OpenBLAS's kernel.
        unsetenv(marker)
    }

    /// The commands whose time goes into matrix products (training, benchmarks) and `version`:
    /// the ones a note about a slow kernel concerns.
    static let trainingCommands: Set = ["doctor", "train", "lr-find", "bench", "version"]

    /// Says on standard error that the environment's `OPENBLAS_CORETYPE` holds OpenBLAS to a
    /// narrower kernel than this CPU runs: the choice is kept (it may be there for results that
    /// match another machine's), but a user who did not know it is set sees what it costs.
    static func warnAboutUsersKernel(better: String) {
        FileHandle.standardError.write(Data("""
            note: OPENBLAS_CORETYPE=\(BLASKernel.coreName) in the environment holds OpenBLAS to a narrower kernel than this CPU runs \
            (\(better)); where measured, such a kernel made matrix products 1.8–6× slower. Unset it, or set GRADGUARD_REPLACE_CORETYPE=1 to let gradguard \
            choose (GRADGUARD_KEEP_BLAS_KERNEL=1 silences this note).

            """.utf8))
    }

    /// The marker's prefix when the kernel replaced was the environment's `OPENBLAS_CORETYPE`.
    static let userPrefix = "environment:"

    /// "OpenBLAS picked Prescott; restarted with SkylakeX", when this process was restarted.
    static var note: String? {
        guard let previous = ProcessInfo.processInfo.environment[marker] else { return nil }
        let restarted = "gradguard restarted itself with OPENBLAS_CORETYPE=\(BLASKernel.coreName)"
        if previous.hasPrefix(userPrefix) {
            return "OPENBLAS_CORETYPE=\(previous.dropFirst(userPrefix.count)) in the environment is narrower than this CPU's kernel; \(restarted) (GRADGUARD_REPLACE_CORETYPE=1)"
        }
        return "OpenBLAS picked \(previous) for this CPU; \(restarted)"
    }
}
