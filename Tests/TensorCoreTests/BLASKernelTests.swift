import XCTest
@testable import TensorCore

/// The choice of OpenBLAS kernel: switch only when OpenBLAS picked a narrower one than the CPU runs.
final class BLASKernelTests: XCTestCase {
    let intel512 = BLASKernel.Features(isaLevel: 2, amd: false, avx512BF16: false)
    let intel512bf16 = BLASKernel.Features(isaLevel: 2, amd: false, avx512BF16: true)
    let intelAVX2 = BLASKernel.Features(isaLevel: 1, amd: false, avx512BF16: false)
    let zen2 = BLASKernel.Features(isaLevel: 1, amd: true, avx512BF16: false)
    let zen4 = BLASKernel.Features(isaLevel: 2, amd: true, avx512BF16: true)
    let old = BLASKernel.Features(isaLevel: 0, amd: false, avx512BF16: false)

    func testFallbackKernelsAreReplacedByTheWidestTheCPURuns() {
        // The case seen on an Intel Xeon model 207 with OpenBLAS 0.3.21: Prescott on an AVX-512 CPU.
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Prescott", features: intel512bf16), "Cooperlake")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Prescott", features: intel512), "SkylakeX")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Haswell", features: intel512), "SkylakeX")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Sandybridge", features: intelAVX2), "Haswell")
        XCTAssertEqual(BLASKernel.betterCoreType(current: "Nehalem", features: zen2), "Zen")
    }

    func testARightOrUnknownChoiceIsKept() {
        XCTAssertNil(BLASKernel.betterCoreType(current: "SkylakeX", features: intel512))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Cooperlake", features: intel512bf16))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Zen", features: zen2))
        XCTAssertNil(BLASKernel.betterCoreType(current: "Zen", features: zen4), "OpenBLAS picks Zen 4's kernel itself")
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
}
