import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first asks training to end after the
/// current step, save a checkpoint and the run folder, and say where; a second Ctrl-C quits at
/// once (exit status 130), as a shell user expects.
/// The dispatch sources are only touched by `init` and `remove`, on the main thread; the flag is atomic.
final class StopSignal: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private let sources: [any DispatchSourceSignal]

    /// Installs the handlers; `message` (if any) is printed to standard error on the first signal.
    init(message: String?) {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [self] in
                if requested.exchange(true, ordering: .sequentiallyConsistent) {
                    FileHandle.standardError.write(Data("\nstopped at once (the run folder keeps its last checkpoint)\n".utf8))
                    exit(130)
                }
                if let message { FileHandle.standardError.write(Data("\n\(message)\n".utf8)) }
            }
            source.resume()
        }
    }

    /// True once a signal came.
    var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Puts the default handlers back.
    func remove() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
