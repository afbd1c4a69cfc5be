import CKernels

/// Runs `body(0)` on this thread and `body(1)` on GradGuard's helper thread at once (CKernels'
/// `gg_run_in_halves`), and returns when both have finished. Both run here, one after the other,
/// when the helper is off (`GRADGUARD_HELPER_THREAD=0`, a single CPU, `mpirun`), already busy
/// (a call from inside a half), or has not started half 1 by the time half 0 is done.
///
/// `body` runs on two threads at once: each half must write only memory of its own, and neither
/// may mutate a Swift value the other reads (arrays included); work through unsafe pointers.
/// Kernels that split their own work (the cells, the panel GEMM) run whole inside a half.
public func runInHalves(_ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        withUnsafePointer(to: body) { pointer in
            gg_run_in_halves({ context, half in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(half))
            }, UnsafeMutableRawPointer(mutating: pointer))
        }
    }
}

/// Runs `body(i)` once for every `i` in `0..<pieces`, on this thread and the helper thread at
/// once (`runInHalves`): each thread takes the next piece when it is done with its last, so a
/// helper that starts late, or runs slowly on a CPU it shares, takes fewer. The same rules for
/// `body` as for `runInHalves`.
public func runSharing(pieces: Int, _ body: (Int) -> Void) {
    var next = 0
    withUnsafeMutablePointer(to: &next) { counter in
        runInHalves { _ in
            while case let piece = gg_claim_next(counter), piece < pieces { body(piece) }
        }
    }
}
