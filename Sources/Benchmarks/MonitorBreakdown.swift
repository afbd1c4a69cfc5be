import GradGuard

/// What each part of the gradient monitor costs on W2 (`MonitorBenchmark`), measured in one
/// process: five W2 trainers take one step each in turn, in an order that rotates every round,
/// and each part is the median over rounds of its step's time over the plain step's, minus 1.
/// The parts:
/// - `control`: a second plain trainer, the comparison's own noise and bias (its model lies
///   elsewhere in memory); a part's cost means something only beyond this one's interval.
/// - `updateMeasure`: the optimizer measures ‖W‖, ‖∇W‖ and ‖ΔW‖ in its update loops
///   (`Optimizer.measuresSteps`), nothing else.
/// - `layerTap`: the monitor's hooks with statistics (`LayerTap` summarising every output in
///   the forward pass and summing Σ (∂L/∂a)² in the backward pass, collected each step), nothing
///   else.
/// - `whole`: the monitor recording every step, as `MonitorBenchmark` times it; beyond the two
///   parts it builds the records (`GradientMonitor.observe`), and the parts share the caches.
///
/// Alternating separate processes resolve no change under about 5 % on a shared virtual
/// machine (docs/performance.md); paired steps in one process resolve 1 %.
public enum MonitorBreakdown {
    public struct Result: Sendable {
        /// Median milliseconds per plain W2 step.
        public let plainMilliseconds: Double
        /// Each side's step time over the plain one's, minus 1, over rounds.
        public let control: SampleMedian
        public let updateMeasure: SampleMedian
        public let layerTap: SampleMedian
        public let whole: SampleMedian
    }

    /// Times `rounds` rounds (default 400) of one step on each of the five sides.
    public static func run(rounds: Int = 400) throws -> Result {
        precondition(rounds > 0, "MonitorBreakdown: rounds must be positive")
        var w2 = MonitorBenchmark.W2()
        let sides = try makeSides(&w2)
        let times = try w2.rotate(sides.trainers, rounds: rounds)
        func cost(_ side: Int) -> SampleMedian { SampleMedian(zip(times[side], times[0]).map { $0 / $1 - 1 }) }
        return Result(plainMilliseconds: SampleMedian(times[0]).median * 1000, control: cost(1), updateMeasure: cost(2),
                      layerTap: cost(3), whole: cost(4))
    }

    /// The five trainers in `Result`'s order (plain, control, update measure, layer tap, whole
    /// monitor), with the tap and the monitor they carry.
    static func makeSides(_ w2: inout MonitorBenchmark.W2) throws
        -> (trainers: [Trainer<Float>], tap: LayerTap<Float>, monitor: GradientMonitor<Float>) {
        let trainers = try (0..<5).map { _ in try w2.makeTrainer() }
        trainers[2].optimizer.measuresSteps = true
        let tap = LayerTap(trainers[3].model)
        tap.keepsLastCallOnly = true
        tap.keepsGradients = false
        _ = trainers[3].onStep { _ in Stopwatch.consume(tap.collect()) }
        let monitor = GradientMonitor(model: trainers[4].model, every: 1)
        monitor.attach(to: trainers[4])
        return (trainers, tap, monitor)
    }
}
