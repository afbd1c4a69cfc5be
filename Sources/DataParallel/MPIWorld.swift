import CMPI
import Foundation

/// Why MPI could not be used.
public struct MPIError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The processes `mpirun` started (MPI_COMM_WORLD), through Open MPI loaded at run time: the
/// package builds without MPI, and a command uses it only when mpirun launched it.
public final class MPIWorld: @unchecked Sendable {
    /// This process's rank (0 writes the run folder) and the number of processes.
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// The world when this process was started by Open MPI's `mpirun` with more than one
    /// process (`OMPI_COMM_WORLD_SIZE` > 1), MPI initialised; nil for a plain run.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(MPIError) -> MPIWorld? {
        guard let text = environment["OMPI_COMM_WORLD_SIZE"], let size = Int(text), size > 1 else { return nil }
        if let shared { return shared }
        var reason = [CChar](repeating: 0, count: 512)
        guard gg_mpi_load(&reason, reason.count) == 0 else {
            throw MPIError(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard gg_mpi_init() == 0 else { throw MPIError("MPI_Init failed") }
        let world = MPIWorld(rank: Int(gg_mpi_rank()), size: Int(gg_mpi_size()))
        shared = world
        atexit { _ = gg_mpi_finalize() }
        return world
    }

    nonisolated(unsafe) private static var shared: MPIWorld?

    /// The element-wise operation of an all-reduce.
    public enum Operation: Int32 { case sum = 0, max = 1, min = 2 }

    /// Combines `values` over every process in place (every process gets the result).
    public func allReduce(_ values: inout [Float], _ operation: Operation = .sum) throws(MPIError) {
        let status = values.withUnsafeMutableBufferPointer { gg_mpi_allreduce_f32($0.baseAddress, $0.count, operation.rawValue) }
        guard status == 0 else { throw MPIError("MPI_Allreduce of \(values.count) floats failed (status \(status))") }
    }

    /// Combines `values` over every process in place (every process gets the result).
    public func allReduce(_ values: inout [Double], _ operation: Operation = .sum) throws(MPIError) {
        let status = values.withUnsafeMutableBufferPointer { gg_mpi_allreduce_f64($0.baseAddress, $0.count, operation.rawValue) }
        guard status == 0 else { throw MPIError("MPI_Allreduce of \(values.count) doubles failed (status \(status))") }
    }

    /// Waits until every process has reached this call.
    public func barrier() { _ = gg_mpi_barrier() }
}

extension MPIWorld {
    /// Rank `root`'s bytes, received by every process (the others' `data` is ignored).
    public func broadcast(_ data: Data, from root: Int = 0) throws(MPIError) -> Data {
        var length = [Double(rank == root ? data.count : 0)]
        try allReduce(&length, .max)
        var bytes = rank == root ? [UInt8](data) : [UInt8](repeating: 0, count: Int(length[0]))
        let status = bytes.withUnsafeMutableBytes { gg_mpi_bcast_bytes($0.baseAddress, $0.count, Int32(root)) }
        guard status == 0 else { throw MPIError("MPI_Bcast of \(bytes.count) bytes failed (status \(status))") }
        return Data(bytes)
    }

    /// Every process's bytes, in rank order, received by every process.
    public func allGather(_ data: Data) throws(MPIError) -> [Data] {
        var parts: [Data] = []
        for root in 0..<size { parts.append(try broadcast(data, from: root)) }
        return parts
    }
}
