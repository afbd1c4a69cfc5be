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
        var recurrentPart = Tensor<Scalar>(zeros: [d.batch, width])
        let bias = biasHH ?? Tensor(zeros: [width])
        let zero = Tensor<Scalar>(zeros: [n])
        weightHH.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                zero.withUnsafeBufferPointer { zero in
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
                                        let (br, bz, bn) = (bias.baseAddress!, bias.baseAddress! + n, bias.baseAddress! + 2 * n)
                                        for b in 0..<d.batch {
                                            let r = g.baseAddress! + gateBase + b * width
                                            let (z, cand) = (r + n, r + 2 * n)
                                            let hr = hw.baseAddress! + b * width
                                            let (hz, hc) = (hr + n, hr + 2 * n)
                                            let s = stateBase + b * n
                                            let (hNew, hnRow) = (h.baseAddress! + s, hn.baseAddress! + s)
                                            let hOld = t > 0 ? UnsafePointer(hNew - d.hiddenBlock) : zero.baseAddress!
                                            for j in 0..<n {
                                                r[j] += hr[j] + br[j]
                                                z[j] += hz[j] + bz[j]
                                                hnRow[j] = hc[j] + bn[j]
                                            }
                                            Scalar.vectorSigmoid(r, into: r, count: 2 * n)  // r and z are adjacent
                                            for j in 0..<n { cand[j] += r[j] * hnRow[j] }
                                            Scalar.vectorTanh(cand, into: cand, count: n)
                                            for j in 0..<n { hNew[j] = (1 - z[j]) * cand[j] + z[j] * hOld[j] }
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
        var dh = Tensor<Scalar>(zeros: [d.batch, n])
        var recurrentDelta = Tensor<Scalar>(zeros: [d.steps * d.batch, width])
        let zero = Tensor<Scalar>(zeros: [n])
        let inputDelta = weightHH.withUnsafeBufferPointer { w in
            zero.withUnsafeBufferPointer { zero in
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
                                                    let r = g.baseAddress! + gateBase + b * width
                                                    let (z, cand) = (r + n, r + 2 * n)
                                                    let xr = xd.baseAddress! + gateBase + b * width
                                                    let (xz, xn) = (xr + n, xr + 2 * n)
                                                    let rr = rd.baseAddress! + gateBase + b * width
                                                    let (rz, rn) = (rr + n, rr + 2 * n)
                                                    let s = stateBase + b * n
                                                    let hnRow = hn.baseAddress! + s
                                                    let hOld = t > 0 ? h.baseAddress! + s - d.hiddenBlock : zero.baseAddress!
                                                    let dhRow = dh.baseAddress! + b * n
                                                    for j in 0..<n {
                                                        let dhv = dhRow[j]
                                                        let deltaN = dhv * (1 - z[j]) * (1 - cand[j] * cand[j])
                                                        let deltaZ = dhv * (hOld[j] - cand[j]) * z[j] * (1 - z[j])
                                                        let deltaR = deltaN * hnRow[j] * r[j] * (1 - r[j])
                                                        xr[j] = deltaR
                                                        xz[j] = deltaZ
                                                        xn[j] = deltaN
                                                        rr[j] = deltaR
                                                        rz[j] = deltaZ
                                                        rn[j] = deltaN * r[j]
                                                        dhRow[j] = dhv * z[j]
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
        }
        trace.norms = norms
        return RecurrentGateGradients(input: inputDelta, recurrent: recurrentDelta)
    }
}
