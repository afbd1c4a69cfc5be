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
        let elapsed = now.timeIntervalSince(start)
        let remaining = p.step > 0 ? elapsed / Double(p.step) * Double(Swift.max(p.totalSteps - p.step, 0)) : .nan
        let text = String(format: "epoch %d/%d  step %d/%d  loss %.4f  %@ elapsed, about %@ left", p.epoch, p.epochs, p.step, p.totalSteps, p.loss,
                          Self.duration(elapsed), Self.duration(remaining))
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

    /// "42 s", "3 min 05 s", "1 h 02 min"; "–" when unknown.
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
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
