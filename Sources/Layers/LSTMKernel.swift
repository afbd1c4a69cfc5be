import TensorCore

/// The LSTM's recurrence (gates i, f, g, o as PyTorch stacks them) and its back-propagation
/// through time. `P_t` already holds `x_t · W_ihᵀ + b_ih + b_hh`; one GEMM per step adds
/// `h_{t−1} · W_hhᵀ` for all four gates. Inner loops index through row pointers so they
/// vectorise (see `RecurrentKernel`).
enum LSTMKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, preactivations: Tensor<Scalar>, weightHH: Tensor<Scalar>
    ) -> RecurrentTape<Scalar> {
        var gates = preactivations
        let n = d.hidden, width = 4 * d.hidden
        var hidden = Tensor<Scalar>(zeros: [d.steps * d.batch, n])
        var cell = hidden, cellTanh = hidden
        let zero = Tensor<Scalar>(zeros: [n])
        weightHH.withUnsafeBufferPointer { w in
            zero.withUnsafeBufferPointer { zero in
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
                                        let i = g.baseAddress! + gateBase + b * width
                                        let (f, cg, o) = (i + n, i + 2 * n, i + 3 * n)
                                        let s = stateBase + b * n
                                        let (cNew, tNew, hNew) = (c.baseAddress! + s, tc.baseAddress! + s, h.baseAddress! + s)
                                        let cOld = t > 0 ? UnsafePointer(cNew - d.hiddenBlock) : zero.baseAddress!
                                        Scalar.vectorSigmoid(i, into: i, count: 2 * n)
                                        Scalar.vectorTanh(cg, into: cg, count: n)
                                        Scalar.vectorSigmoid(o, into: o, count: n)
                                        for j in 0..<n { cNew[j] = f[j] * cOld[j] + i[j] * cg[j] }
                                        Scalar.vectorTanh(cNew, into: tNew, count: n)
                                        for j in 0..<n { hNew[j] = o[j] * tNew[j] }
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
        var dh = Tensor<Scalar>(zeros: [d.batch, n]), dc = dh
        let zero = Tensor<Scalar>(zeros: [n])
        let delta = weightHH.withUnsafeBufferPointer { w in
            zero.withUnsafeBufferPointer { zero in
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
                                                    let i = g.baseAddress! + gateBase + b * width
                                                    let (f, cg, o) = (i + n, i + 2 * n, i + 3 * n)
                                                    let di = delta.baseAddress! + gateBase + b * width
                                                    let (df, dg, dO) = (di + n, di + 2 * n, di + 3 * n)
                                                    let s = stateBase + b * n
                                                    let tanhC = tc.baseAddress! + s
                                                    let cOld = t > 0 ? c.baseAddress! + s - d.hiddenBlock : zero.baseAddress!
                                                    let (dhRow, dcRow) = (dh.baseAddress! + b * n, dc.baseAddress! + b * n)
                                                    for j in 0..<n {
                                                        let dhv = dhRow[j]
                                                        let dcv = dcRow[j] + dhv * o[j] * (1 - tanhC[j] * tanhC[j])
                                                        di[j] = dcv * cg[j] * i[j] * (1 - i[j])
                                                        df[j] = dcv * cOld[j] * f[j] * (1 - f[j])
                                                        dg[j] = dcv * i[j] * (1 - cg[j] * cg[j])
                                                        dO[j] = dhv * tanhC[j] * o[j] * (1 - o[j])
                                                        dcRow[j] = dcv * f[j]
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
        }
        trace.norms = norms
        return RecurrentGateGradients(input: delta, recurrent: delta)
    }
}
