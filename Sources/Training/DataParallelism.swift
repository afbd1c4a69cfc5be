import Autodiff
import Datasets
import TensorCore

/// Data parallelism, as Horovod and PyTorch's DistributedDataParallel do it: every process
/// draws the same global batch, trains on its share of the rows, and the processes combine
/// their gradients (one all-reduce per step) before clipping and the optimizer step, so every
/// process applies the same update and keeps the same weights.
public protocol DataParallelism: AnyObject {
    /// This process's rows of a global batch of `count` samples.
    func rows(of count: Int) -> Range<Int>
    /// Replaces each parameter's gradient by the global batch's mean gradient, given this
    /// process's gradients of its `localCount` rows' mean loss, and returns the global batch's
    /// mean loss and correct predictions from this process's `loss` and `correct`.
    func combine<Scalar: TensorScalar>(
        _ parameters: [Variable<Scalar>], loss: Double, correct: Int?, localCount: Int, globalCount: Int
    ) -> (loss: Double, correct: Int?)
    /// The processes, for the model's BatchNorm layers to normalise over the global batch
    /// (SyncBatchNorm); nil (the default) leaves each process's rows to themselves.
    var processGroup: (any ProcessGroup)? { get }
}

extension DataParallelism {
    public var processGroup: (any ProcessGroup)? { nil }
}

extension Batch {
    /// The rows `range` of the batch.
    public func rows(_ range: Range<Int>) -> Batch {
        guard range != 0..<count else { return self }
        func slice(_ t: Tensor<Scalar>) -> Tensor<Scalar> {
            let width = t.count / Swift.max(t.shape[0], 1)
            return t.withUnsafeBufferPointer { p in
                Tensor(shape: [range.count] + t.shape.dropFirst()) { out in
                    guard width * range.count > 0 else { return }
                    out.baseAddress!.update(from: p.baseAddress! + range.lowerBound * width, count: width * range.count)
                }
            }
        }
        return Batch(inputs: slice(inputs), targets: slice(targets))
    }
}
