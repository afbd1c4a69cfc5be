import TensorCore

/// The Elman RNN's recurrence, `h_t = f(P_t + h_{t−1} · W_hhᵀ)` where `P_t` already holds
/// `x_t · W_ihᵀ + b_ih + b_hh`, and its back-propagation through time.
enum RNNKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, preactivations: consuming Tensor<Scalar>, recurrent: SmallGemmOperand<Scalar>, nonlinearity f: Activation
    ) -> RecurrentTape<Scalar> {
        var pre = preactivations
        let hidden = pre.withUnsafeMutableBufferPointer { p in
            Tensor<Scalar>(shape: [d.steps * d.batch, d.hidden]) { h in
                RecurrentKernel.overBatchRows(d, recurrent) { rows in
                    let count = rows.count * d.hidden
                    for t in 0..<d.steps {
                        let first = t * d.hiddenBlock + rows.lowerBound * d.hidden
                        let (source, target) = (p.baseAddress! + first, h.baseAddress! + first)
                        if t > 0 {
                            RecurrentKernel.addRecurrentProduct(
                                d, rows: rows.count, state: target - d.hiddenBlock, recurrent: recurrent, into: source, beta: 1)
                        }
                        switch f {
                        case .relu: for k in 0..<count { target[k] = source[k] > 0 ? source[k] : 0 }
                        default: Scalar.vectorTanh(source, into: target, count: count)
                        }
                    }
                }
            }
        }
        let empty = Tensor<Scalar>(zeros: [0])
        return RecurrentTape(hidden: hidden, gates: empty, cell: empty, cellTanh: empty)
    }

    /// δ_t = ∂L/∂h_t ⊙ f′, read from h_t (tanh: 1 − h², relu: h > 0).
    static func backward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ tape: RecurrentTape<Scalar>, outputGrad: Tensor<Scalar>, sequence: Bool,
        recurrent: SmallGemmOperand<Scalar>, nonlinearity f: Activation, trace: HiddenGradientTrace
    ) -> RecurrentGateGradients<Scalar> {
        let delta = tape.hidden.withUnsafeBufferPointer { h in
            Tensor<Scalar>(shape: [d.steps * d.batch, d.hidden]) { delta in
                RecurrentKernel.throughTime(
                    d, outputGrad: outputGrad, sequence: sequence, trace: trace, recurrent: recurrent
                ) { t, rows, dh in
                    let (first, count) = (t * d.hiddenBlock + rows.lowerBound * d.hidden, rows.count * d.hidden)
                    let (state, target) = (h.baseAddress! + first, delta.baseAddress! + first)
                    switch f {
                    case .relu: for k in 0..<count { target[k] = state[k] > 0 ? dh[k] : 0 }
                    default: for k in 0..<count { target[k] = dh[k] * (1 - state[k] * state[k]) }
                    }
                    if t > 0 {
                        RecurrentKernel.recurrentGradient(d, rows: rows.count, delta: target, recurrent: recurrent, into: dh, beta: 0)
                    }
                }
            }
        }
        return RecurrentGateGradients(input: delta, recurrent: delta)
    }
}
