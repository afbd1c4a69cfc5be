import TensorCore

/// A node of the define-by-run graph: a tensor value, and how to send a gradient back to the
/// values it was computed from.
///
/// Leaves are created with `Variable(_:requiresGrad:)` (parameters: `requiresGrad: true`).
/// Every operation on variables that require a gradient records a node whose pullback captures
/// tensors only, never other nodes, so a step's graph is freed as soon as its loss is dropped.
/// A leaf's `grad` accumulates over `backward()` calls, as in PyTorch; clear it with `zeroGrad()`.
public final class Variable<Scalar: TensorScalar> {
    /// The value; an optimizer updates a parameter's value in place.
    public var value: Tensor<Scalar>
    /// ∂L/∂value after `backward()`: kept on leaves that require it and on nodes with
    /// `retainsGrad`, freed on other intermediate nodes once used. Any change to it, in place or
    /// not, forgets `gradientSquares` (no `oldValue` is read, so an in-place change copies nothing).
    public var grad: Tensor<Scalar>? { didSet { gradientSquares = nil } }
    /// When true, a leaf's `gradientSquares` is taken each time `backward()` delivers a gradient
    /// to it, while that gradient is still in cache: the clipper then needs no pass of its own
    /// over memory. Default false.
    public var sumsGradientSquares = false
    /// Σ g² (double) of `grad` as `backward()` left it, with `sumsGradientSquares` on (summed in
    /// double), or when the one operation that sent the gradient summed it in its own kernel (a
    /// measured pullback, within about 1e-6 relative); nil otherwise, and after any other change
    /// to `grad`.
    public private(set) var gradientSquares: Double?
    /// Whether gradients flow to this node.
    public let requiresGrad: Bool
    /// Keep this intermediate node's gradient after `backward()` (how the monitor reads
    /// ∂L/∂a at a layer's output). Default false.
    public var retainsGrad = false
    /// Called once by `backward()` with this node's complete gradient, just before it is sent on
    /// to the node's inputs (PyTorch's `Tensor.register_hook`, read-only): the gradient was just
    /// computed, so reading it here is a pass over data still in cache. Default nil.
    public var gradientHook: ((Tensor<Scalar>) -> Void)?
    /// Called once by `backward()` with Σ g² (double) of this node's complete gradient, for an
    /// observer that needs that number and not the gradient (the monitor's ‖∂L/∂a‖). When the
    /// operation that consumes this node, or the one that sent it its gradient, has a measured
    /// pullback (`operation(_:input:measuredPullback:pullback:)`), the sum comes out of that
    /// operation's own backward kernel; otherwise backward takes it while the gradient is in
    /// cache. Default nil.
    public var gradientSquaresHook: ((Double) -> Void)?
    @usableFromInline var parents: [Variable]
    /// Released once `backward()` has used it, with the tensors it captured: a weight captured
    /// by a layer's pullback would otherwise be shared when the optimizer updates it in place,
    /// and copied on every step.
    @usableFromInline var pullback: ((Tensor<Scalar>) -> [Tensor<Scalar>?])?
    /// For a one-input operation, the pullback that also returns Σ g² of the gradient it
    /// receives and of the one it sends (nil where its kernel does not apply); used instead of
    /// `pullback` when a gradient-squares hook waits on either.
    @usableFromInline var measuredPullback: MeasuredPullback?

    /// ∂L/∂result ↦ (∂L/∂input, Σ (∂L/∂result)², Σ (∂L/∂input)²), or nil.
    public typealias MeasuredPullback = (Tensor<Scalar>) -> (gradient: Tensor<Scalar>, squares: Double, inputSquares: Double)?
    /// True for nodes created directly rather than by an operation.
    public let isLeaf: Bool

    /// A leaf: an input (`requiresGrad: false`, the default) or a parameter.
    public init(_ value: Tensor<Scalar>, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.parents = []
        self.pullback = nil
        isLeaf = true
    }

    @usableFromInline
    init(value: Tensor<Scalar>, parents: [Variable], pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]) {
        self.value = value
        self.requiresGrad = true
        self.parents = parents
        self.pullback = pullback
        isLeaf = false
    }

    /// The result of a custom operation on `inputs`. `pullback` maps ∂L/∂result to ∂L/∂input
    /// for each input, in order (nil for no gradient); it must capture tensors, not variables.
    /// No graph is recorded when grad mode is off or no input requires a gradient.
    @inlinable
    public static func operation(
        _ value: Tensor<Scalar>, inputs: [Variable],
        pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]
    ) -> Variable {
        if inputs.contains(where: \.requiresGrad) && GradMode.isEnabled {
            return Variable(value: value, parents: inputs, pullback: pullback)
        }
        return Variable(value)
    }

    /// The result of an operation on one input whose backward kernel can sum the squares of the
    /// gradients it reads and writes: `measuredPullback` returns them with ∂L/∂input (or nil
    /// where it cannot), and is used when a `gradientSquaresHook` waits on the result or the
    /// input; `pullback` otherwise. Both must capture tensors, not variables.
    @inlinable
    public static func operation(
        _ value: Tensor<Scalar>, input: Variable, measuredPullback: @escaping MeasuredPullback,
        pullback: @escaping (Tensor<Scalar>) -> [Tensor<Scalar>?]
    ) -> Variable {
        let result = operation(value, inputs: [input], pullback: pullback)
        if !result.isLeaf { result.measuredPullback = measuredPullback }
        return result
    }

    /// Releases a long chain of nodes iteratively: without this, freeing the last node of a
    /// deep graph (an unrolled recurrence) would recurse once per node and overflow the stack.
    deinit {
        guard !parents.isEmpty else { return }
        var stack = parents
        parents = []
        while var node = stack.popLast() {
            if isKnownUniquelyReferenced(&node) {
                stack.append(contentsOf: node.parents)
                node.parents = []
            }
        }
    }

    /// The value's shape.
    @inlinable public var shape: [Int] { value.shape }

    /// Clears the gradient.
    public func zeroGrad() { grad = nil }

    /// Back-propagates from this node: `seed` is ∂L/∂self (default 1 for a one-element value).
    /// Gradients of shared sub-expressions are summed; nodes are visited in reverse
    /// topological order found without recursion, so long unrolled graphs are fine. Each node's
    /// pullback is released once used, as PyTorch frees a graph without `retain_graph`: call
    /// it once per forward pass.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(seed: Tensor<Scalar>? = nil) {
        precondition(requiresGrad, "backward: this value depends on nothing that requires a gradient")
        precondition(isLeaf || pullback != nil, "backward: this graph was already used by backward(); run the forward pass again")
        let start = seed ?? {
            precondition(value.count == 1, "backward: a seed is needed for a non-scalar value of shape \(shape)")
            return Tensor(repeating: 1, shape: shape)
        }()
        precondition(start.shape == shape, "backward: seed shape \(start.shape) differs from value shape \(shape)")
        let order = topologicalOrder()
        if isLeaf { accumulate(start) } else { grad = start }
        for node in order.reversed() {
            guard let pullback = node.pullback, let g = node.grad else { continue }
            node.gradientHook?(g)
            node.gradientHook = nil
            var inputGrads: [Tensor<Scalar>?], inputSquares: Double?
            if let measured = node.measuredPullback,
               node.gradientSquaresHook != nil || node.parents.first?.gradientSquaresHook != nil,
               let result = measured(g) {
                node.gradientSquaresHook?(node.gradientSquares ?? result.squares)
                (inputGrads, inputSquares) = ([result.gradient], result.inputSquares)
            } else {
                if let hook = node.gradientSquaresHook { hook(node.gradientSquares ?? g.sumOfSquares()) }
                (inputGrads, inputSquares) = (pullback(g), nil)
            }
            node.gradientSquaresHook = nil
            node.pullback = nil  // the graph is used once, as PyTorch's without retain_graph
            node.measuredPullback = nil
            for (parent, pg) in zip(node.parents, inputGrads) where parent.requiresGrad {
                if let pg { parent.accumulate(pg, squares: inputSquares) }
            }
            if !node.retainsGrad { node.grad = nil }
        }
    }

    /// Adds `g` to `grad`. With `sumsGradientSquares`, takes Σ g² of the result in double (what
    /// the clipper asked for); otherwise `squares`, Σ g² as the sender's kernel summed it,
    /// becomes `gradientSquares` when `g` is the whole gradient so far.
    @usableFromInline
    func accumulate(_ g: Tensor<Scalar>, squares: Double? = nil) {
        precondition(g.shape == shape, "backward: gradient shape \(g.shape) differs from value shape \(shape)")
        let first = grad == nil
        if first { grad = g } else { grad!.add(g) }
        if sumsGradientSquares {
            gradientSquares = grad!.sumOfSquares()
        } else if first, let squares {
            gradientSquares = squares
        }
    }

    /// Non-leaf nodes reachable from this one, each after all of its parents.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Variable, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad && !parent.isLeaf
                && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        return order
    }
}
