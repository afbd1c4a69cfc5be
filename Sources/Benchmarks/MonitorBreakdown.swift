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
/// - `recording`: a sixth trainer whose monitor records every other step; its recorded steps
///   over the unrecorded step just before each, minus 1. Both steps run the monitor's hooks on
///   the same model and memory, so this is what recording a step costs (statistics, measures,
///   records) without the other parts' comparison between two models, or the hooks.
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
        public let recording: SampleMedian
    }

    /// Times `rounds` rounds (default 400, at least 2) of one step on each of the six sides.
    public static func run(rounds: Int = 400) throws -> Result {
        precondition(rounds >= 2, "MonitorBreakdown: rounds must be at least 2")
        var w2 = MonitorBenchmark.W2()
        let sides = try makeSides(&w2)
        let times = try w2.rotate(sides.trainers, rounds: rounds)
        func cost(_ side: Int) -> SampleMedian { SampleMedian(zip(times[side], times[0]).map { $0 / $1 - 1 }) }
        return Result(plainMilliseconds: SampleMedian(times[0]).median * 1000, control: cost(1), updateMeasure: cost(2),
                      layerTap: cost(3), whole: cost(4), recording: SampleMedian(recordedOverUnrecorded(times[5])))
    }

    /// For the sixth side's timed steps (step 3 first, recorded when even): each recorded step's
    /// time over the time of the step before it, minus 1.
    static func recordedOverUnrecorded(_ times: [Double]) -> [Double] {
        stride(from: 1, to: times.count, by: 2).map { times[$0] / times[$0 - 1] - 1 }
    }

    /// The six trainers in `Result`'s order (plain, control, update measure, layer tap, whole
    /// monitor, monitor recording every other step), with the tap and the monitors they carry.
    static func makeSides(_ w2: inout MonitorBenchmark.W2) throws
        -> (trainers: [Trainer<Float>], tap: LayerTap<Float>, monitor: GradientMonitor<Float>, everyOther: GradientMonitor<Float>) {
        let trainers = try (0..<6).map { _ in try w2.makeTrainer() }
        trainers[2].optimizer.measuresSteps = true
        let tap = LayerTap(trainers[3].model)
        tap.keepsLastCallOnly = true
        tap.keepsGradients = false
        _ = trainers[3].onStep { _ in Stopwatch.consume(tap.collect()) }
        let monitor = GradientMonitor(model: trainers[4].model, every: 1)
        monitor.attach(to: trainers[4])
        let everyOther = GradientMonitor(model: trainers[5].model, every: 2)
        everyOther.attach(to: trainers[5])
        return (trainers, tap, monitor, everyOther)
    }
}
