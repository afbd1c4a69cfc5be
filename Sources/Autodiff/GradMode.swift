/// Whether operations record a graph for `backward()` (PyTorch's `torch.no_grad()`).
public enum GradMode {
    /// True (the default) while operations record their pullbacks.
    @TaskLocal public static var isEnabled = true

    /// Runs `body` without recording a graph: evaluation, optimizer updates, finite differences.
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $isEnabled.withValue(false, operation: body)
    }
}
