import CKernels
import Foundation
import TensorCore
import XCTest

final class HelperThreadTests: XCTestCase {
    /// What each half of one task does: marks its slot and, for the first half, spins a while.
    private struct Task {
        var marks: UnsafeMutablePointer<Int>  // two slots per task, one per half
        var firstHalfSpins: Int
        var secondHalfThread: UnsafeMutablePointer<pthread_t>
    }

    private static let half: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { context, half in
        let task = context!.assumingMemoryBound(to: Task.self).pointee
        if half == 0 {
            var sink = 0.0
            for i in 0..<task.firstHalfSpins { sink += Double(i).squareRoot() }
            if sink < 0 { print(sink) }  // keeps the loop
        } else {
            task.secondHalfThread.pointee = pthread_self()
        }
        task.marks[Int(half)] += 1
    }

    /// Every half of every task runs exactly once, and its writes are visible when the call
    /// returns, whether the helper or the caller claimed the second half: tasks whose first half
    /// is instant (the caller often gets there first) alternate with tasks whose first half takes
    /// long enough for a waiting helper to start. A second half run twice or never fails here.
    func testEachHalfRunsOnceWhoeverClaimsIt() {
        let tasks = 20_000
        let marks = UnsafeMutablePointer<Int>.allocate(capacity: 2 * tasks)
        marks.initialize(repeating: 0, count: 2 * tasks)
        defer { marks.deallocate() }
        let thread = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
        defer { thread.deallocate() }
        var helperRanSecondHalf = false
        for index in 0..<tasks {
            var task = Task(marks: marks + 2 * index, firstHalfSpins: index % 3 == 0 ? 20_000 : 0, secondHalfThread: thread)
            withUnsafeMutablePointer(to: &task) { gg_run_in_halves(Self.half, $0) }
            XCTAssertEqual(marks[2 * index], 1, "task \(index): first half")
            XCTAssertEqual(marks[2 * index + 1], 1, "task \(index): second half")
            if pthread_equal(thread.pointee, pthread_self()) == 0 { helperRanSecondHalf = true }
            if marks[2 * index] != 1 || marks[2 * index + 1] != 1 { break }
        }
        if ProcessInfo.processInfo.activeProcessorCount >= 2 && ProcessInfo.processInfo.environment["GRADGUARD_HELPER_THREAD"] != "0" {
            XCTAssertTrue(helperRanSecondHalf, "with two CPUs the helper thread ran no second half")
        }
    }

    /// `runSharing` runs every piece exactly once, whichever thread claims it: pieces of uneven
    /// length (every fifth spins a while, so the helper has time to start and take some), and
    /// the edge cases of no piece and one.
    func testRunSharingRunsEachPieceOnce() {
        for pieces in [0, 1, 2, 997] {
            let runs = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(pieces, 1))
            runs.initialize(repeating: 0, count: Swift.max(pieces, 1))
            defer { runs.deallocate() }
            runSharing(pieces: pieces) { piece in
                if piece % 5 == 0 {
                    var sink = 0.0
                    for i in 0..<5_000 { sink += Double(i).squareRoot() }
                    if sink < 0 { print(sink) }
                }
                runs[piece] += 1  // each piece's own slot: no two threads write one
            }
            XCTAssertEqual((0..<pieces).filter { runs[$0] != 1 }, [], "\(pieces) pieces: each runs once")
        }
    }

    /// `runInHalves` runs half 0 and half 1, each once.
    func testRunInHalvesRunsBothHalves() {
        var halves = [0, 0]
        halves.withUnsafeMutableBufferPointer { halves in runInHalves { half in halves[half] += 1 } }
        XCTAssertEqual(halves, [1, 1])
    }
}
