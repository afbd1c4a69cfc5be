import CKernels
import TensorCore

/// The GRU's recurrence (gates r, z, n as PyTorch stacks them) and its back-propagation
/// through time. `X_t` holds `x_t · W_ihᵀ + b_ih`; one GEMM per step gives
/// `H_t = h_{t−1} · W_hhᵀ` for all three gates (b_hh is added in the element-wise pass, kept
/// apart because n reads `r ⊙ (W_hn h + b_hn)`). The element-wise pass over each step's block
/// is CKernels' vectorised `gg_gru_forward_f32` / `gg_gru_backward_f32` for Float and the
/// Swift loops below for Double (which gradient checks run).
enum GRUKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, inputPart: consuming Tensor<Scalar>, recurrent: SmallGemmOperand<Scalar>, biasHH: Tensor<Scalar>?
    ) -> RecurrentTape<Scalar> {
        var gates = inputPart
        // Every step writes its block of both in full: no zeroing, and buffers of their own.
        func perStep() -> Tensor<Scalar> { Tensor(shape: [d.steps * d.batch, d.hidden]) { _ in } }
        var hidden = perStep()
        var candidateHidden = perStep()  // W_hn h_{t−1} + b_hn per step
        var recurrentPart = Tensor<Scalar>(zeros: [d.batch, 3 * d.hidden])
        let bias = biasHH ?? Tensor(zeros: [3 * d.hidden])
        bias.withUnsafeBufferPointer { bias in
            gates.withUnsafeMutableBufferPointer { g in
                hidden.withUnsafeMutableBufferPointer { h in
                    candidateHidden.withUnsafeMutableBufferPointer { hn in
                        recurrentPart.withUnsafeMutableBufferPointer { hw in
                            RecurrentKernel.overBatchRows(d, recurrent) { rows in
                                let gateRow = rows.lowerBound * d.gates * d.hidden
                                for t in 0..<d.steps {
                                    let s = t * d.hiddenBlock + rows.lowerBound * d.hidden
                                    if t > 0 {
                                        RecurrentKernel.addRecurrentProduct(
                                            d, rows: rows.count, state: h.baseAddress! + s - d.hiddenBlock, recurrent: recurrent,
                                            into: hw.baseAddress! + gateRow, beta: 0)
                                    }
                                    forwardStep(
                                        batch: rows.count, n: d.hidden, gates: g.baseAddress! + t * d.gateBlock + gateRow,
                                        recurrent: hw.baseAddress! + gateRow, bias: bias.baseAddress!,
                                        hiddenBefore: t > 0 ? UnsafePointer(h.baseAddress! + s - d.hiddenBlock) : nil,
                                        candidateHidden: hn.baseAddress! + s, hidden: h.baseAddress! + s)
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentTape(hidden: hidden, gates: gates, cell: candidateHidden, cellTanh: Tensor(zeros: [0]))
    }

    /// One step over `[batch, n]`: r = σ(X_r + H_r + b_hr), z likewise, H_n + b_hn kept,
    /// candidate = tanh(X_n + r·(H_n + b_hn)), h = (1 − z)·candidate + z·h_{t−1} (nil: zero);
    /// r, z and the candidate replace `gates`. `recurrent` is zero at the first step.
    @inline(__always)
    static func forwardStep<Scalar: TensorScalar>(
        batch: Int, n: Int, gates: UnsafeMutablePointer<Scalar>, recurrent: UnsafePointer<Scalar>,
        bias: UnsafePointer<Scalar>, hiddenBefore: UnsafePointer<Scalar>?,
        candidateHidden: UnsafeMutablePointer<Scalar>, hidden: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            gg_gru_forward_f32(
                batch, n, .float(gates), .float(recurrent), .float(bias), hiddenBefore.map { .float($0) },
                .float(candidateHidden), .float(hidden))
            return
        }
        let (br, bz, bn) = (bias, bias + n, bias + 2 * n)
        for b in 0..<batch {
            let r = gates + b * 3 * n
            let (z, cand) = (r + n, r + 2 * n)
            let hr = recurrent + b * 3 * n
            let (hz, hc) = (hr + n, hr + 2 * n)
            let (hNew, hnRow) = (hidden + b * n, candidateHidden + b * n)
            let before = hiddenBefore.map { $0 + b * n }
            for j in 0..<n {
                r[j] += hr[j] + br[j]
                z[j] += hz[j] + bz[j]
                hnRow[j] = hc[j] + bn[j]
            }
            Scalar.vectorSigmoid(r, into: r, count: 2 * n)  // r and z are adjacent
            for j in 0..<n { cand[j] += r[j] * hnRow[j] }
            Scalar.vectorTanh(cand, into: cand, count: n)
            for j in 0..<n { hNew[j] = (1 - z[j]) * cand[j] + z[j] * (before?[j] ?? 0) }
        }
    }

    /// Per step, with dh = ∂L/∂h_t: δn = dh·(1−z)·(1−n²), δz = dh·(h_{t−1} − n)·z(1−z),
    /// δr = δn·H_n·r(1−r); the input side gets (δr, δz, δn), the recurrent side (δr, δz, δn·r);
    /// ∂L/∂h_{t−1} = dh·z + δ_recurrent · W_hh.
    static func backward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ tape: RecurrentTape<Scalar>, outputGrad: Tensor<Scalar>, sequence: Bool,
        recurrent: SmallGemmOperand<Scalar>, trace: HiddenGradientTrace
    ) -> RecurrentGateGradients<Scalar> {
        var recurrentDelta = Tensor<Scalar>(zeros: [d.steps * d.batch, 3 * d.hidden])
        let inputDelta = tape.gates.withUnsafeBufferPointer { g in
            tape.hidden.withUnsafeBufferPointer { h in
                tape.cell.withUnsafeBufferPointer { hn in
                    recurrentDelta.withUnsafeMutableBufferPointer { rd in
                        Tensor<Scalar>(shape: [d.steps * d.batch, 3 * d.hidden]) { xd in
                            RecurrentKernel.throughTime(
                                d, outputGrad: outputGrad, sequence: sequence, trace: trace, recurrent: recurrent
                            ) { t, rows, dh in
                                let gateBase = t * d.gateBlock + rows.lowerBound * d.gates * d.hidden
                                let s = t * d.hiddenBlock + rows.lowerBound * d.hidden
                                backwardStep(
                                    batch: rows.count, n: d.hidden, gates: g.baseAddress! + gateBase,
                                    candidateHidden: hn.baseAddress! + s,
                                    hiddenBefore: t > 0 ? h.baseAddress! + s - d.hiddenBlock : nil, dh: dh,
                                    inputDelta: xd.baseAddress! + gateBase, recurrentDelta: rd.baseAddress! + gateBase)
                                if t > 0 {
                                    RecurrentKernel.recurrentGradient(
                                        d, rows: rows.count, delta: rd.baseAddress! + gateBase, recurrent: recurrent, into: dh,
                                        beta: 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentGateGradients(input: inputDelta, recurrent: recurrentDelta)
    }

    /// One step of `backward` over `[batch, n]`: writes both sides' deltas and replaces dh by dh·z.
    @inline(__always)
    static func backwardStep<Scalar: TensorScalar>(
        batch: Int, n: Int, gates: UnsafePointer<Scalar>, candidateHidden: UnsafePointer<Scalar>,
        hiddenBefore: UnsafePointer<Scalar>?, dh: UnsafeMutablePointer<Scalar>,
        inputDelta: UnsafeMutablePointer<Scalar>, recurrentDelta: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            gg_gru_backward_f32(
                batch, n, .float(gates), .float(candidateHidden), hiddenBefore.map { .float($0) }, .float(dh),
                .float(inputDelta), .float(recurrentDelta))
            return
        }
        for b in 0..<batch {
            let r = gates + b * 3 * n
            let (z, cand) = (r + n, r + 2 * n)
            let xr = inputDelta + b * 3 * n
            let (xz, xn) = (xr + n, xr + 2 * n)
            let rr = recurrentDelta + b * 3 * n
            let (rz, rn) = (rr + n, rr + 2 * n)
            let (hnRow, dhRow) = (candidateHidden + b * n, dh + b * n)
            let before = hiddenBefore.map { $0 + b * n }
            for j in 0..<n {
                let dhv = dhRow[j]
                let deltaN = dhv * (1 - z[j]) * (1 - cand[j] * cand[j])
                let deltaZ = dhv * ((before?[j] ?? 0) - cand[j]) * z[j] * (1 - z[j])
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
    }
}
