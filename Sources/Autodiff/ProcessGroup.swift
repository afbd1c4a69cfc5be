/// The processes of a data-parallel run, as an operation that normalises over the whole global
/// batch sees them (PyTorch's `SyncBatchNorm` process group): it sums per-feature numbers over
/// the processes, and knows which part of the global batch this process holds.
public protocol ProcessGroup: AnyObject {
    /// This process's rows of the current global batch over all of its rows (1 for one
    /// process); set by the trainer each step.
    var batchShare: Double { get set }
    /// Replaces `values` by their element-wise sum over the processes; every process calls it
    /// at the same point with the same count.
    func sum(_ values: inout [Double])
}
