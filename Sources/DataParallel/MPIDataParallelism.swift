import Autodiff
import TensorCore
import Training

/// Data parallelism over an `MPIWorld`: process r takes rows ⌊n·r/N⌋ ..< ⌊n·(r+1)/N⌋ of each
/// global batch of n, and each step's gradients travel in one buffer through one all-reduce
/// (Horovod's tensor fusion; Sergeev & Del Balso 2018): each process adds its gradient weighted
/// by its share of the rows, so the sum is the global batch's mean gradient. The step's loss,
/// correct predictions and stop requests ride in the same buffer: when any process was asked to
/// stop (Ctrl-C reaches every process under mpirun), every process learns it at the same step.
public final class MPIDataParallelism: DataParallelism, ProcessGroup {
    public let world: MPIWorld
    /// Problems met while combining (an all-reduce that failed); the trainer cannot throw them.
    public private(set) var failure: MPIError?
    private var floats: [Float] = []
    private var doubles: [Double] = []

    public init(world: MPIWorld) { self.world = world }

    /// Whether this process has been asked to stop (e.g. by a signal), read at every combine.
    public var localStopRequested: (() -> Bool)?
    /// True once some process had been asked to stop at a combine: every process sees it after the
    /// same step, so all can stop there (`Trainer.stopRequested`) without one waiting for another.
    public private(set) var stopAgreed = false

    /// Itself: BatchNorm layers sum their statistics over the world.
    public var processGroup: (any ProcessGroup)? { self }
    public var batchShare = 1.0

    /// Sums `values` over the world (SyncBatchNorm's statistics).
    public func sum(_ values: inout [Double]) {
        do { try world.allReduce(&values) } catch { failure = error }
    }

    public func rows(of count: Int) -> Range<Int> { Self.rows(of: count, rank: world.rank, size: world.size) }

    /// Rank `rank`'s rows of `count` shared by `size` processes: ⌊count·rank/size⌋ ..< ⌊count·(rank+1)/size⌋.
    public static func rows(of count: Int, rank: Int, size: Int) -> Range<Int> { count * rank / size ..< count * (rank + 1) / size }

    public func combine<Scalar: TensorScalar>(
        _ parameters: [Variable<Scalar>], loss: Double, correct: Int?, localCount: Int, globalCount: Int
    ) -> (loss: Double, correct: Int?) {
        let share = Double(localCount) / Double(max(globalCount, 1))
        // Parameters without a gradient have none on every process (the same model and code).
        let withGradient = parameters.filter { $0.grad != nil }
        let total = withGradient.reduce(0) { $0 + $1.grad!.count }
        if Scalar.self == Float.self {
            return combineFloats(withGradient as! [Variable<Float>], total: total, share: share, loss: loss, correct: correct)
        }
        return combineDoubles(withGradient, total: total, share: share, loss: loss, correct: correct)
    }

    /// Float gradients: copied scaled into one kept buffer, reduced, copied back.
    private func combineFloats(_ parameters: [Variable<Float>], total: Int, share: Double, loss: Double, correct: Int?) -> (loss: Double, correct: Int?) {
        if floats.count != total + 3 { floats = [Float](repeating: 0, count: total + 3) }
        let weight = Float(share)
        floats.withUnsafeMutableBufferPointer { b in
            var offset = 0
            for p in parameters {
                p.grad!.withUnsafeBufferPointer { g in
                    let to = b.baseAddress! + offset
                    for i in 0..<g.count { to[i] = g[i] * weight }
                    offset += g.count
                }
            }
            b[total] = Float(loss * share)
            b[total + 1] = Float(correct ?? 0)
            b[total + 2] = localStopRequested?() == true ? 1 : 0
        }
        do { try world.allReduce(&floats) } catch { failure = error }
        floats.withUnsafeBufferPointer { b in
            var offset = 0
            for p in parameters {
                // Back into the gradient's own buffer: a new tensor per step would be fresh memory,
                // and the kernel's page faults and zeroing would cost as much as the copy.
                p.grad!.withUnsafeMutableBufferPointer { out in
                    out.baseAddress!.update(from: b.baseAddress! + offset, count: out.count)
                    offset += out.count
                }
            }
        }
        stopAgreed = stopAgreed || floats[total + 2] > 0
        return (Double(floats[total]), correct.map { _ in Int(floats[total + 1].rounded()) })
    }

    /// Any other scalar type, through a Double buffer.
    private func combineDoubles<Scalar: TensorScalar>(
        _ parameters: [Variable<Scalar>], total: Int, share: Double, loss: Double, correct: Int?
    ) -> (loss: Double, correct: Int?) {
        if doubles.count != total + 3 { doubles = [Double](repeating: 0, count: total + 3) }
        var offset = 0
        for p in parameters {
            for (i, g) in p.grad!.scalars.enumerated() { doubles[offset + i] = Double(g) * share }
            offset += p.grad!.count
        }
        doubles[total] = loss * share
        doubles[total + 1] = Double(correct ?? 0)
        doubles[total + 2] = localStopRequested?() == true ? 1 : 0
        do { try world.allReduce(&doubles) } catch { failure = error }
        offset = 0
        for p in parameters {
            p.grad!.withUnsafeMutableBufferPointer { out in
                for i in 0..<out.count { out[i] = Scalar(doubles[offset + i]) }
                offset += out.count
            }
        }
        stopAgreed = stopAgreed || doubles[total + 2] > 0
        return (doubles[total], correct.map { _ in Int(doubles[total + 1].rounded()) })
    }

    /// A fingerprint of the weights (Σw and Σw² in Double) compared across processes: true when
    /// every process holds the same numbers.
    public func weightsAgree<Scalar: TensorScalar>(_ parameters: [Variable<Scalar>]) throws(MPIError) -> Bool {
        var sums = [0.0, 0.0]
        for p in parameters {
            p.value.withUnsafeBufferPointer { v in for x in v { sums[0] += Double(x); sums[1] += Double(x) * Double(x) } }
        }
        var high = sums, low = sums
        try world.allReduce(&high, .max)
        try world.allReduce(&low, .min)
        return high == low
    }
}
