import TensorCore

/// The LSTM's recurrence (gates i, f, g, o as PyTorch stacks them) and its back-propagation
/// through time. `P_t` already holds `x_t · W_ihᵀ + b_ih + b_hh`; one GEMM per step adds
/// `h_{t−1} · W_hhᵀ` for all four gates.
enum LSTMKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, preactivations: Tensor<Scalar>, weightHH: Tensor<Scalar>
    ) -> RecurrentTape<Scalar> {
        var gates = preactivations
        let n = d.hidden, width = 4 * d.hidden
        var hidden = Tensor<Scalar>(zeros: [d.steps * d.batch, n])
        var cell = hidden, cellTanh = hidden
        weightHH.withUnsafeBufferPointer { w in
            gates.withUnsafeMutableBufferPointer { g in
                hidden.withUnsafeMutableBufferPointer { h in
                    cell.withUnsafeMutableBufferPointer { c in
                        cellTanh.withUnsafeMutableBufferPointer { tc in
                            for t in 0..<d.steps {
                                let gateBase = t * d.gateBlock, stateBase = t * d.hiddenBlock
                                if t > 0 {
                                    RecurrentKernel.addRecurrentProduct(
                                        d, state: h.baseAddress! + stateBase - d.hiddenBlock, weightHH: w.baseAddress!,
                                        into: g.baseAddress! + gateBase, beta: 1)
                                }
                                for b in 0..<d.batch {
                                    let row = gateBase + b * width, s = stateBase + b * n
                                    for k in row..<(row + 2 * n) { g[k] = Scalar.kernelSigmoid(g[k]) }  // i, f
                                    for k in (row + 2 * n)..<(row + 3 * n) { g[k] = Scalar.kernelTanh(g[k]) }  // g
                                    for k in (row + 3 * n)..<(row + width) { g[k] = Scalar.kernelSigmoid(g[k]) }  // o
                                    for j in 0..<n {
                                        let previous: Scalar = t > 0 ? c[s + j - d.hiddenBlock] : 0
                                        let value = g[row + n + j] * previous + g[row + j] * g[row + 2 * n + j]
                                        c[s + j] = value
                                        tc[s + j] = Scalar.kernelTanh(value)
                                        h[s + j] = g[row + 3 * n + j] * tc[s + j]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentTape(hidden: hidden, gates: gates, cell: cell, cellTanh: cellTanh)
    }

    /// Per step, with dh = ∂L/∂h_t and dc = ∂L/∂c_t (from step t+1 plus through h_t):
    /// δo = dh·tanh(c)·o(1−o), δi = dc·g·i(1−i), δf = dc·c_{t−1}·f(1−f), δg = dc·i·(1−g²),
    /// ∂L/∂c_{t−1} = dc·f, ∂L/∂h_{t−1} = δ_t · W_hh.
    static func backward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ tape: RecurrentTape<Scalar>, outputGrad: Tensor<Scalar>, sequence: Bool,
        weightHH: Tensor<Scalar>, trace: HiddenGradientTrace
    ) -> RecurrentGateGradients<Scalar> {
        let n = d.hidden, width = 4 * d.hidden
        var norms = [Double](repeating: 0, count: d.steps)
        var dh = [Scalar](repeating: 0, count: d.hiddenBlock), dc = dh
        let delta = weightHH.withUnsafeBufferPointer { w in
            tape.gates.withUnsafeBufferPointer { g in
                tape.cell.withUnsafeBufferPointer { c in
                    tape.cellTanh.withUnsafeBufferPointer { tc in
                        outputGrad.withUnsafeBufferPointer { og in
                            dh.withUnsafeMutableBufferPointer { dh in
                                dc.withUnsafeMutableBufferPointer { dc in
                                    Tensor<Scalar>(shape: [d.steps * d.batch, width]) { delta in
                                        for t in stride(from: d.steps - 1, through: 0, by: -1) {
                                            RecurrentKernel.gatherHiddenGradient(
                                                d, step: t, outputGrad: og, sequence: sequence, into: dh, norms: &norms)
                                            let gateBase = t * d.gateBlock, stateBase = t * d.hiddenBlock
                                            for b in 0..<d.batch {
                                                let row = gateBase + b * width, s = stateBase + b * n, local = b * n
                                                for j in 0..<n {
                                                    let i = g[row + j], f = g[row + n + j]
                                                    let cg = g[row + 2 * n + j], o = g[row + 3 * n + j]
                                                    let tanhC = tc[s + j]
                                                    let previous: Scalar = t > 0 ? c[s + j - d.hiddenBlock] : 0
                                                    let dhv = dh[local + j]
                                                    let dcv = dc[local + j] + dhv * o * (1 - tanhC * tanhC)
                                                    delta[row + j] = dcv * cg * i * (1 - i)
                                                    delta[row + n + j] = dcv * previous * f * (1 - f)
                                                    delta[row + 2 * n + j] = dcv * i * (1 - cg * cg)
                                                    delta[row + 3 * n + j] = dhv * tanhC * o * (1 - o)
                                                    dc[local + j] = dcv * f
                                                }
                                            }
                                            if t > 0 {
                                                RecurrentKernel.recurrentGradient(
                                                    d, delta: delta.baseAddress! + gateBase, weightHH: w.baseAddress!,
                                                    into: dh.baseAddress!, beta: 0)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        trace.norms = norms
        return RecurrentGateGradients(input: delta, recurrent: delta)
    }
}
