/// What `Trainer.onStep` and `Trainer.onEpochEnd` return: pass it to `Trainer.removeCallback` to
/// take that callback off again, so whoever attached it (the monitor, a runner) detaches exactly
/// what it added.
public struct CallbackToken: Hashable, Sendable {
    let id: Int
}
