import CBLAS
import CKernels
import Foundation

/// The BLAS GEMM kernel in use, and the one this CPU should use.
///
/// OpenBLAS built with `DYNAMIC_ARCH` (Debian's) picks a kernel for the CPU when it loads; a CPU
/// model newer than the library falls back to its generic SSE3 "Prescott" kernel — on an Intel
/// Xeon with AVX-512 (model 207, OpenBLAS 0.3.21) that made `sgemm` 6× slower than its own
/// AVX-512 kernel. The remedy is the environment variable `OPENBLAS_CORETYPE`, which OpenBLAS
/// reads only when it loads: `gradguard` sets it and restarts itself (`betterCoreType`); a
/// program that links GradGuard can do the same, or print `summary` to see what it runs.
public enum BLASKernel {
    /// OpenBLAS's kernel (`Haswell`, `SkylakeX`, `Zen`, `Prescott`…).
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// OpenBLAS's build description (version, options, threads).
    public static var configuration: String { String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces) }
    /// The number of threads OpenBLAS uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The CPU's model name (from /proc/cpuinfo), or "unknown CPU".
    public static var cpuName: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// The vector instructions this CPU supports, as `BLASKernel` names them.
    public struct Features: Sendable, Equatable {
        /// 2: AVX-512 (F, DQ, VL), 1: AVX2 + FMA, 0: neither.
        public var isaLevel: Int
        public var amd: Bool
        public var avx512BF16: Bool

        public init(isaLevel: Int, amd: Bool, avx512BF16: Bool) {
            self.isaLevel = isaLevel
            self.amd = amd
            self.avx512BF16 = avx512BF16
        }

        /// This machine's, at most what the environment's `GRADGUARD_ISA` allows (`avx2` or
        /// `baseline`: GradGuard's kernels and its choice of OpenBLAS kernel behave as on such a
        /// CPU; to compare with one, set `OPENBLAS_CORETYPE=Haswell` as well).
        public static var current: Features {
            Features(isaLevel: Int(gg_cpu_isa_level()), amd: gg_cpu_is_amd() != 0, avx512BF16: gg_cpu_has_avx512_bf16() != 0)
        }

        /// "AVX-512 (with BF16)", "AVX2 + FMA" or "SSE only".
        public var description: String {
            switch isaLevel {
            case 2: avx512BF16 ? "AVX-512 with BF16" : "AVX-512"
            case 1: "AVX2 + FMA"
            default: "no AVX2"
            }
        }
    }

    /// The widest OpenBLAS kernel for a CPU with `features`: Cooperlake (AVX-512 with BF16),
    /// SkylakeX (AVX-512), Zen or Haswell (AVX2 + FMA), or nil (leave OpenBLAS's choice).
    /// AMD CPUs with AVX-512 get the AVX-512 kernels too, as later OpenBLAS releases' own
    /// detection gives Zen 4 (family 0x19): on an AMD EPYC Zen 5 (family 0x1A) with
    /// OpenBLAS 0.3.21, 2 threads, Cooperlake ran a 1024³ `sgemm` at 365–392 GFLOP/s against
    /// Haswell's 192–210 and Zen's 195–204, and the W3 MLP step in 15–16 ms against 24–26.
    public static func bestCoreType(for features: Features) -> String? {
        switch features.isaLevel {
        case 2: features.avx512BF16 ? "Cooperlake" : "SkylakeX"
        case 1: features.amd ? "Zen" : "Haswell"
        default: nil
        }
    }

    /// How wide a kernel is: 0 SSE, 1 AVX, 2 AVX2, 3 AVX-512; nil for a name this table lacks.
    static func width(_ core: String) -> Int? {
        switch core.lowercased() {
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood",
             "banias", "opteron", "opteron_sse3", "barcelona", "bobcat", "nano": 0
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": 1
        case "haswell", "zen": 2
        case "skylakex", "cooperlake", "sapphirerapids": 3
        default: nil
        }
    }

    /// The kernel to switch to because OpenBLAS picked `current`, narrower than the CPU's
    /// `features` allow; nil when its choice is right (or unknown).
    public static func betterCoreType(current: String, features: Features) -> String? {
        guard let best = bestCoreType(for: features), let have = width(current), let want = width(best), have < want else { return nil }
        return best
    }

    /// This process's case: the kernel to restart with, or nil.
    public static var betterCoreType: String? { betterCoreType(current: coreName, features: .current) }

    /// One line for `gradguard version` and every benchmark: CPU, its vector instructions,
    /// OpenBLAS's version and kernel, threads (`BLASThreading`).
    public static var summary: String {
        let version = configuration.split(separator: " ").prefix(2).joined(separator: " ")
        let cap = switch ProcessInfo.processInfo.environment["GRADGUARD_ISA"] {
        case nil, "": ""
        case let value? where value == "avx2" || value == "baseline": " as capped by GRADGUARD_ISA=\(value)"
        case let value?: "; GRADGUARD_ISA=\(value) ignored: use avx2 or baseline"
        }
        let threading = BLASThreading.splitsProducts
            ? "1 thread, a large product's halves on GradGuard's 2" : "\(threads) threads"
        var line = "\(cpuName) (\(Features.current.description)\(cap)); \(version), kernel \(coreName), \(threading)"
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !chosen.isEmpty { line += " (OPENBLAS_CORETYPE=\(chosen))" }
        if let better = betterCoreType { line += "; this CPU can run \(better): set OPENBLAS_CORETYPE=\(better)" }
        return line
    }
}
