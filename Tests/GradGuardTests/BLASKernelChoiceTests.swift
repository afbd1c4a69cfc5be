import Foundation
import TestSupport
import XCTest

/// Every OpenBLAS kernel gradguard may run on this CPU passes the PyTorch reference cases, and a
/// fallback kernel is replaced by the CPU's own when gradguard starts.
final class BLASKernelChoiceTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ReferenceCasesTests/Fixtures").path

    func gradguard(_ arguments: [String], environment: [String: String]) throws -> ExternalTool.Result {
        try ExternalTool.run(ExternalTool.gradguard, arguments, environment: environment)
    }

    func testEveryKernelThisCPURunsPassesTheReferenceCases() throws {
        let version = try gradguard(["version"], environment: [:]).output
        var kernels = ["Prescott"]
        if version.contains("AVX2") || version.contains("AVX-512") { kernels += ["Haswell"] }
        if version.contains("AVX-512") { kernels += ["SkylakeX"] }
        if version.contains("with BF16") { kernels += ["Cooperlake"] }
        for kernel in kernels {
            let environment = ["OPENBLAS_CORETYPE": kernel]
            let shown = try gradguard(["version"], environment: environment).output
            XCTAssertTrue(shown.contains("kernel \(kernel)"), shown)
            let run = try gradguard(["reference", fixtures], environment: environment)
            XCTAssertEqual(run.status, 0, "\(kernel): \(run.output)")
            XCTAssertTrue(run.output.contains(" passed, 0 failed"), "\(kernel): \(run.output.suffix(300))")
        }
    }

    func testAFallbackKernelIsReplacedAtStart() throws {
        let run = try gradguard(["version"], environment: ["OPENBLAS_CORETYPE": "Prescott", "GRADGUARD_REPLACE_CORETYPE": "1"])
        if run.output.contains("this CPU can run") || run.output.contains("AVX-512") || run.output.contains("AVX2") {
            XCTAssertTrue(run.output.contains("OPENBLAS_CORETYPE=Prescott in the environment is narrower than this CPU's kernel; gradguard restarted itself"), run.output)
            XCTAssertFalse(run.output.contains("kernel Prescott"), run.output)
        } else {
            XCTAssertTrue(run.output.contains("kernel Prescott"), "a CPU without AVX2 keeps the SSE kernel: \(run.output)")
        }
        let kept = try gradguard(["version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertTrue(kept.output.contains("kernel Prescott"), "a user's own choice is kept: \(kept.output)")
        let narrower = run.output.contains("restarted itself")
        XCTAssertEqual(kept.output.contains("note: OPENBLAS_CORETYPE=Prescott in the environment holds OpenBLAS to a narrower kernel"), narrower,
                       "a kept choice narrower than the CPU's kernel is pointed out, and only then: \(kept.output)")
        let silenced = try gradguard(["version"], environment: ["OPENBLAS_CORETYPE": "Prescott", "GRADGUARD_KEEP_BLAS_KERNEL": "1"])
        XCTAssertFalse(silenced.output.contains("note: OPENBLAS_CORETYPE"), silenced.output)
    }

    /// A process restarted because OpenBLAS itself picked a fallback kernel (no
    /// `OPENBLAS_CORETYPE` in the environment; the restart leaves the kernel it replaced in the
    /// marker variable) says so — not that the environment's kernel was replaced. This CPU's
    /// OpenBLAS may pick its own kernel, so the restart's state is set here directly.
    func testARestartAfterOpenBLASsOwnChoiceSaysWhoPickedTheKernel() throws {
        let run = try gradguard(["version"], environment: ["GRADGUARD_BLAS_RESTARTED": "Prescott"])
        XCTAssertTrue(run.output.contains("OpenBLAS picked Prescott for this CPU; gradguard restarted itself with OPENBLAS_CORETYPE="), run.output)
        XCTAssertFalse(run.output.contains("in the environment"), run.output)
    }
}
