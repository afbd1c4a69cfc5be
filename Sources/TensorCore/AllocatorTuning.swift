import CKernels

/// Keeps freed tensor memory inside the process.
///
/// glibc's malloc serves blocks above its mmap threshold (128 KiB at first) with fresh
/// `mmap`s and returns the top of the heap to the system beyond its trim threshold, so a
/// training step that allocates multi-megabyte tensors page-faults all of them in again at the
/// next step. Measured on the W4 benchmark (LSTM, 6.5 MB gate buffers): 71,000 page faults and
/// about 40 % of the time per step. `keepFreedMemory()` raises the mmap threshold to 32 MiB
/// (glibc's ceiling) and the trim threshold to 1 GiB, for the whole process; the `Trainer`
/// calls it. It does nothing on platforms without glibc.
public enum AllocatorTuning {
    private static let applied: Bool = {
        gg_keep_freed_memory(32 << 20, 1 << 30) == 1
    }()

    /// Applies the settings once per process; later calls do nothing. Returns whether they
    /// apply on this platform.
    @discardableResult
    public static func keepFreedMemory() -> Bool { applied }
}
