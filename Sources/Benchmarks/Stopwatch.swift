import Foundation

/// Wall-clock timing for benchmarks: the median of repeated runs after warm-up.
public enum Stopwatch {
    /// Seconds taken by `body`, the median of `repeats` runs after `warmup` untimed ones.
    public static func median(repeats: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
        precondition(repeats > 0, "Stopwatch: repeats must be positive")
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Keeps a benchmark's result observable so the optimiser cannot drop the work.
    @inline(never)
    public static func consume<T>(_ value: T) {
        withExtendedLifetime(value) {}
    }
}
