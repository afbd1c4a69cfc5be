import TensorCore

/// The GRU's recurrence (gates r, z, n as PyTorch stacks them) and its back-propagation
/// through time. `X_t` holds `x_t · W_ihᵀ + b_ih`; one GEMM per step gives
/// `H_t = h_{t−1} · W_hhᵀ + b_hh` for all three gates, kept apart because n reads `r ⊙ H_n`.
enum GRUKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, inputPart: Tensor<Scalar>, weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>?
    ) -> RecurrentTape<Scalar> {
        var gates = inputPart
        let n = d.hidden, width = 3 * d.hidden
        var hidden = Tensor<Scalar>(zeros: [d.steps * d.batch, n])
        var candidateHidden = hidden  // W_hn h_{t−1} + b_hn per step
        var recurrentPart = [Scalar](repeating: 0, count: d.gateBlock)
        let bias = biasHH ?? Tensor(zeros: [width])
        weightHH.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                gates.withUnsafeMutableBufferPointer { g in
                    hidden.withUnsafeMutableBufferPointer { h in
                        candidateHidden.withUnsafeMutableBufferPointer { hn in
                            recurrentPart.withUnsafeMutableBufferPointer { hw in
                                for t in 0..<d.steps {
                                    let gateBase = t * d.gateBlock, stateBase = t * d.hiddenBlock
                                    if t > 0 {
                                        RecurrentKernel.addRecurrentProduct(
                                            d, state: h.baseAddress! + stateBase - d.hiddenBlock, weightHH: w.baseAddress!,
                                            into: hw.baseAddress!, beta: 0)
                                    }
                                    for b in 0..<d.batch {
                                        let row = gateBase + b * width, s = stateBase + b * n, local = b * width
                                        for j in 0..<n {
                                            let r = Scalar.kernelSigmoid(g[row + j] + hw[local + j] + bias[j])
                                            let z = Scalar.kernelSigmoid(g[row + n + j] + hw[local + n + j] + bias[n + j])
                                            let candidate = hw[local + 2 * n + j] + bias[2 * n + j]
                                            let newState = Scalar.kernelTanh(g[row + 2 * n + j] + r * candidate)
                                            let previous: Scalar = t > 0 ? h[s + j - d.hiddenBlock] : 0
                                            h[s + j] = (1 - z) * newState + z * previous
                                            g[row + j] = r
                                            g[row + n + j] = z
                                            g[row + 2 * n + j] = newState
                                            hn[s + j] = candidate
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentTape(hidden: hidden, gates: gates, cell: candidateHidden, cellTanh: Tensor(zeros: [0]))
    }

    /// Per step, with dh = ∂L/∂h_t: δn = dh·(1−z)·(1−n²), δz = dh·(h_{t−1} − n)·z(1−z),
    /// δr = δn·H_n·r(1−r); the input side gets (δr, δz, δn), the recurrent side (δr, δz, δn·r);
    /// ∂L/∂h_{t−1} = dh·z + δ_recurrent · W_hh.
    static func backward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ tape: RecurrentTape<Scalar>, outputGrad: Tensor<Scalar>, sequence: Bool,
        weightHH: Tensor<Scalar>, trace: HiddenGradientTrace
    ) -> RecurrentGateGradients<Scalar> {
        let n = d.hidden, width = 3 * d.hidden
        var norms = [Double](repeating: 0, count: d.steps)
        var dh = [Scalar](repeating: 0, count: d.hiddenBlock)
        var recurrentDelta = Tensor<Scalar>(zeros: [d.steps * d.batch, width])
        let inputDelta = weightHH.withUnsafeBufferPointer { w in
            tape.gates.withUnsafeBufferPointer { g in
                tape.hidden.withUnsafeBufferPointer { h in
                    tape.cell.withUnsafeBufferPointer { hn in
                        outputGrad.withUnsafeBufferPointer { og in
                            dh.withUnsafeMutableBufferPointer { dh in
                                recurrentDelta.withUnsafeMutableBufferPointer { rd in
                                    Tensor<Scalar>(shape: [d.steps * d.batch, width]) { xd in
                                        for t in stride(from: d.steps - 1, through: 0, by: -1) {
                                            RecurrentKernel.gatherHiddenGradient(
                                                d, step: t, outputGrad: og, sequence: sequence, into: dh, norms: &norms)
                                            let gateBase = t * d.gateBlock, stateBase = t * d.hiddenBlock
                                            for b in 0..<d.batch {
                                                let row = gateBase + b * width, s = stateBase + b * n, local = b * n
                                                for j in 0..<n {
                                                    let r = g[row + j], z = g[row + n + j], newState = g[row + 2 * n + j]
                                                    let previous: Scalar = t > 0 ? h[s + j - d.hiddenBlock] : 0
                                                    let dhv = dh[local + j]
                                                    let deltaN = dhv * (1 - z) * (1 - newState * newState)
                                                    let deltaZ = dhv * (previous - newState) * z * (1 - z)
                                                    let deltaR = deltaN * hn[s + j] * r * (1 - r)
                                                    xd[row + j] = deltaR
                                                    xd[row + n + j] = deltaZ
                                                    xd[row + 2 * n + j] = deltaN
                                                    rd[row + j] = deltaR
                                                    rd[row + n + j] = deltaZ
                                                    rd[row + 2 * n + j] = deltaN * r
                                                    dh[local + j] = dhv * z
                                                }
                                            }
                                            if t > 0 {
                                                RecurrentKernel.recurrentGradient(
                                                    d, delta: rd.baseAddress! + gateBase, weightHH: w.baseAddress!,
                                                    into: dh.baseAddress!, beta: 1)
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
        return RecurrentGateGradients(input: inputDelta, recurrent: recurrentDelta)
    }
}
