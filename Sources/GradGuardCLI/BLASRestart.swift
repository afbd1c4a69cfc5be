import Foundation
import GradGuard

/// Restarts `gradguard` with `OPENBLAS_CORETYPE` set when OpenBLAS picked a narrower GEMM kernel
/// than the CPU supports (see `BLASKernel`): OpenBLAS reads the variable only when it loads, so
/// the process must start again. A user's own `OPENBLAS_CORETYPE` is kept unless
/// `GRADGUARD_REPLACE_CORETYPE=1`; `GRADGUARD_KEEP_BLAS_KERNEL=1` turns the restart off.
enum BLASRestart {
    /// The variable that marks a restarted process, holding the kernel OpenBLAS had picked.
    static let marker = "GRADGUARD_BLAS_RESTARTED"

    static func ifNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["GRADGUARD_KEEP_BLAS_KERNEL"] != "1", environment[marker] == nil else { return }
        let chosenByUser = !(environment["OPENBLAS_CORETYPE"] ?? "").isEmpty
        guard !chosenByUser || environment["GRADGUARD_REPLACE_CORETYPE"] == "1", let better = BLASKernel.betterCoreType else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(marker, BLASKernel.coreName, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when the restart failed: go on with OpenBLAS's kernel.
        unsetenv(marker)
    }

    /// "OpenBLAS picked Prescott; restarted with SkylakeX", when this process was restarted.
    static var note: String? {
        ProcessInfo.processInfo.environment[marker].map { "OpenBLAS picked \($0) for this CPU; gradguard restarted itself with OPENBLAS_CORETYPE=\(BLASKernel.coreName)" }
    }
}
