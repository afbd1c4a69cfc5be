/// A shape problem, named by the operation and the shapes involved.
///
/// The checked entry points (`Tensor.broadcastShape(_:_:operation:)`,
/// `Tensor.checkMatmul(...)`, a model's `outputShape(for:)`) throw it; the unchecked tensor
/// operators stop with its `description` as a precondition message, since a mismatch inside
/// library code is a programming mistake.
public struct ShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The operation that failed, e.g. `"add"` or `"matmul"`.
    public let operation: String
    /// The shapes the operation was given, in argument order.
    public let shapes: [[Int]]
    /// What is wrong, in words.
    public let reason: String

    public init(operation: String, shapes: [[Int]], reason: String) {
        self.operation = operation
        self.shapes = shapes
        self.reason = reason
    }

    public var description: String {
        let shown = shapes.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
        return "\(operation): shape mismatch between \(shown.joined(separator: " and ")): \(reason)"
    }
}

/// Stops with the error's message: for shape mistakes inside library code.
@inlinable
public func shapePrecondition<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch { preconditionFailure("\(error)") }
}
