import Foundation

/// Processes that share the doctor's work (`mpirun -np N gradguard doctor`): rank 0 trains the
/// original run and leads the search; the single remedies are trained on every rank at once.
public protocol CandidateSharing: AnyObject, Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Rank 0's `data`, received by every rank (the others pass anything).
    func broadcast(_ data: Data) throws -> Data
    /// Every rank's `data`, in rank order, received by every rank.
    func allGather(_ data: Data) throws -> [Data]
    /// Called before and after the work every rank does at once, so that a process can use
    /// fewer threads while the others share its cores (default: nothing).
    func sharedWorkBegins()
    func sharedWorkEnds()
}

extension CandidateSharing {
    public func sharedWorkBegins() {}
    public func sharedWorkEnds() {}
}
