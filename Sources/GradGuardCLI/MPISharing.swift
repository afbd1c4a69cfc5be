import CBLAS
import CKernels
import Foundation
import GradGuard

/// The doctor's `CandidateSharing` over the processes mpirun started.
final class MPISharing: CandidateSharing, @unchecked Sendable {
    let world: MPIWorld

    init(_ world: MPIWorld) { self.world = world }

    var rank: Int { world.rank }
    var size: Int { world.size }
    func broadcast(_ data: Data) throws -> Data { try world.broadcast(data) }
    func allGather(_ data: Data) throws -> [Data] { try world.allGather(data) }

    /// The BLAS threads before the shared work (one thread calls the doctor: no lock needed).
    private var threads: Int32 = 1

    /// While every process works, each uses one BLAS thread and no helper thread: the processes
    /// share the cores. Rank 0 gets its threads back for the work it does alone.
    func sharedWorkBegins() {
        threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        gg_helper_set_enabled(0)
    }

    func sharedWorkEnds() {
        openblas_set_num_threads(threads)
        gg_helper_set_enabled(1)
    }
}
