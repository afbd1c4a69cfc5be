import Foundation
import GradGuard

/// A progress bar on standard error for training runs: silent for the first `delay` seconds
/// (short runs show nothing), then redrawn in place on a terminal at most ten times a second,
/// or printed as a line every 10 % when standard error is not a terminal (CI logs).
final class ProgressBar {
    private let start = Date()
    private let delay: TimeInterval
    private let interactive = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var lastDecile = -1
    private var shown = false

    init(delay: TimeInterval = 1.5) { self.delay = delay }

    func update(_ p: TrainingProgress) {
        let now = Date()
        guard now.timeIntervalSince(start) >= delay else { return }
        let fraction = Double(p.step) / Double(Swift.max(p.totalSteps, 1))
        let text = String(format: "epoch %d/%d  step %d/%d  loss %.4f", p.epoch, p.epochs, p.step, p.totalSteps, p.loss)
        if interactive {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || p.step == p.totalSteps else { return }
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(Int(fraction * 100))%  \(text)".utf8))
            lastDraw = now
        } else {
            let decile = Int(fraction * 10)
            guard decile > lastDecile else { return }
            FileHandle.standardError.write(Data("\(decile * 10)%  \(text)\n".utf8))
            lastDecile = decile
        }
        shown = true
    }

    /// Clears the bar's line so other output can be printed; the next update redraws it.
    func interrupt() {
        if shown && interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Ends the bar's line (if one was drawn).
    func finish() {
        if shown && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
