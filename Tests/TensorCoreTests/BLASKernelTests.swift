import XCTest
@testable import TensorCore

/// The choice of OpenBLAS kernel: switch only when OpenBLAS picked a narrower one than the CPU runs.
final class BLASKernelTests: XCTestCase {
    let intel512 = BLASKernel.Features(isaLevel: 2, amd: false, avx512BF16: false)
    let intel512bf16 = BLASKernel.Features(isaLevel: 2, amd: false, avx512BF16: true)
    let intelAVX2 = BLASKernel.Features(isaLevel: 1, amd: false, avx512BF16: false)
    let zen2 = BLASKernel.Features(isaLevel: 1, amd: true, avx512BF16: false)
    /// AMD Zen 4 and Zen 5 alike (AVX-512 with BF16).
    let zen4 = BLASKernel.Features(isaLevel: 2, amd: true, avx512BF16: true)
    let old = BLASKernel.Features(isaLevel: 0, amd: false, avx512BF16: false)

    func testFallbackKernelsAreReplacedByTheWidestTheCPURuns() {
        // The case seen on an Intel Xeon model 207 with OpenBLAS 0.3.21: Prescott on an AVX-512 CPU.
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Prescott", features: intel512bf16), "Cooperlake")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Prescott", features: intel512), "SkylakeX")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Haswell", features: intel512), "SkylakeX")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Sandybridge", features: intelAVX2), "Haswell")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Nehalem", features: zen2), "Zen")
        // AMD with AVX-512 runs OpenBLAS's AVX-512 kernels too: on a Zen 5 EPYC, 0.3.21's Zen and
        // Haswell kernels ran sgemm at about half Cooperlake's rate.
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Zen", features: zen4), "Cooperlake")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Haswell", features: zen4), "Cooperlake")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Haswell", features: .init(isaLevel: 2, amd: true, avx512BF16: false)), "SkylakeX")
    }

    func testARightOrUnknownChoiceIsKept() {
        XCTAssertNil(BLASKernel.betterCoreType(current: "SkylakeX", features: intel512))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Cooperlake", features: intel512bf16))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Zen", features: zen2))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Cooperlake", features: zen4))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Haswell", features: intelAVX2))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Prescott", features: old), "no wider kernel to run")
        XCTAssertNil(BLASKernel.betterCoreType(current: "SomeFutureCore", features: intel512), "unknown names are left alone")
    }

    func testThisMachineIsDescribed() {
        let summary = BLASKernel.summary
        XCTAssertTrue(summary.contains("OpenBLAS"), summary)
        XCTAssertTrue(summary.contains("kernel \(BLASKernel.coreName)"), summary)
        XCTAssertGreaterThanOrEqual(BLASKernel.threads, 1)
    }

    /// GRADGUARD_ISA caps what GradGuard takes the CPU to run (to compare with a CPU without
    /// AVX-512), and the machine line says so; other values leave it alone.
    func testTheEnvironmentCapsTheInstructionSet() {
        let hardware = BLASKernel.Features.current.isaLevel
        defer { unsetenv("GRADGUARD_ISA") }
        setenv("GRADGUARD_ISA", "avx2", 1)
        XCTAssertEqual(BLASKernel.Features.current.isaLevel, min(hardware, 1))
        XCTAssertTrue(BLASKernel.summary.contains("capped by GRADGUARD_ISA=avx2"), BLASKernel.summary)
        setenv("GRADGUARD_ISA", "baseline", 1)
        XCTAssertEqual(BLASKernel.Features.current.isaLevel, 0)
        setenv("GRADGUARD_ISA", "avx1024", 1)
        XCTAssertEqual(BLASKernel.Features.current.isaLevel, hardware)
        XCTAssertTrue(BLASKernel.summary.contains("GRADGUARD_ISA=avx1024 ignored"), BLASKernel.summary)
        unsetenv("GRADGUARD_ISA")
        XCTAssertEqual(BLASKernel.Features.current.isaLevel, hardware)
        XCTAssertFalse(BLASKernel.summary.contains("GRADGUARD_ISA"), BLASKernel.summary)
    }
}
