import CKernels
import TensorCore

/// The LSTM's recurrence (gates i, f, g, o as PyTorch stacks them) and its back-propagation
/// through time. `P_t` already holds `x_t · W_ihᵀ + b_ih + b_hh`; one GEMM per step adds
/// `h_{t−1} · W_hhᵀ` for all four gates, then one element-wise pass over the step's block
/// (Float: CKernels' vectorised `gg_lstm_forward_f32` / `gg_lstm_backward_f32`; Double: the
/// Swift loops below, which gradient checks run).
enum LSTMKernel {
    static func forward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, preactivations: consuming Tensor<Scalar>, recurrent: SmallGemmOperand<Scalar>
    ) -> RecurrentTape<Scalar> {
        var gates = preactivations
        // Every step writes its block of each in full: no zeroing, and three buffers of their own
        // (copies of one zeroed tensor would each be copied again on first write).
        func perStep() -> Tensor<Scalar> { Tensor(shape: [d.steps * d.batch, d.hidden]) { _ in } }
        var hidden = perStep(), cell = perStep(), cellTanh = perStep()
        gates.withUnsafeMutableBufferPointer { g in
            hidden.withUnsafeMutableBufferPointer { h in
                cell.withUnsafeMutableBufferPointer { c in
                    cellTanh.withUnsafeMutableBufferPointer { tc in
                        RecurrentKernel.overBatchRows(d, recurrent) { rows in
                            for t in 0..<d.steps {
                                let gateBlock = g.baseAddress! + t * d.gateBlock + rows.lowerBound * d.gates * d.hidden
                                let s = t * d.hiddenBlock + rows.lowerBound * d.hidden
                                if t > 0 {
                                    RecurrentKernel.addRecurrentProduct(
                                        d, rows: rows.count, state: h.baseAddress! + s - d.hiddenBlock, recurrent: recurrent,
                                        into: gateBlock, beta: 1)
                                }
                                forwardStep(
                                    batch: rows.count, n: d.hidden, gates: gateBlock,
                                    cellBefore: t > 0 ? UnsafePointer(c.baseAddress! + s - d.hiddenBlock) : nil,
                                    cell: c.baseAddress! + s, cellTanh: tc.baseAddress! + s, hidden: h.baseAddress! + s)
                            }
                        }
                    }
                }
            }
        }
        return RecurrentTape(hidden: hidden, gates: gates, cell: cell, cellTanh: cellTanh)
    }

    /// One step over `[batch, n]`: activates the gates in place; c = f·c_{t−1} + i·g (c_{t−1}
    /// nil: zero), tanh(c), h = o·tanh(c).
    @inline(__always)
    static func forwardStep<Scalar: TensorScalar>(
        batch: Int, n: Int, gates: UnsafeMutablePointer<Scalar>, cellBefore: UnsafePointer<Scalar>?,
        cell: UnsafeMutablePointer<Scalar>, cellTanh: UnsafeMutablePointer<Scalar>, hidden: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            gg_lstm_forward_f32(batch, n, .float(gates), cellBefore.map { .float($0) }, .float(cell), .float(cellTanh), .float(hidden))
            return
        }
        for b in 0..<batch {
            let i = gates + b * 4 * n
            let (f, g, o) = (i + n, i + 2 * n, i + 3 * n)
            let (c, tanhC, h) = (cell + b * n, cellTanh + b * n, hidden + b * n)
            Scalar.vectorSigmoid(i, into: i, count: 2 * n)
            Scalar.vectorTanh(g, into: g, count: n)
            Scalar.vectorSigmoid(o, into: o, count: n)
            if let before = cellBefore.map({ $0 + b * n }) {
                for j in 0..<n { c[j] = f[j] * before[j] + i[j] * g[j] }
            } else {
                for j in 0..<n { c[j] = i[j] * g[j] }
            }
            Scalar.vectorTanh(c, into: tanhC, count: n)
            for j in 0..<n { h[j] = o[j] * tanhC[j] }
        }
    }

    /// Per step, with dh = ∂L/∂h_t and dc = ∂L/∂c_t (from step t+1 plus through h_t):
    /// δo = dh·tanh(c)·o(1−o), δi = dc·g·i(1−i), δf = dc·c_{t−1}·f(1−f), δg = dc·i·(1−g²),
    /// ∂L/∂c_{t−1} = dc·f, ∂L/∂h_{t−1} = δ_t · W_hh.
    static func backward<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ tape: RecurrentTape<Scalar>, outputGrad: Tensor<Scalar>, sequence: Bool,
        recurrent: SmallGemmOperand<Scalar>, trace: HiddenGradientTrace
    ) -> RecurrentGateGradients<Scalar> {
        var dc = Tensor<Scalar>(zeros: [d.batch, d.hidden])  // ∂L/∂c_t from step t+1
        let delta = tape.gates.withUnsafeBufferPointer { g in
            tape.cell.withUnsafeBufferPointer { c in
                tape.cellTanh.withUnsafeBufferPointer { tc in
                    dc.withUnsafeMutableBufferPointer { dc in
                        Tensor<Scalar>(shape: [d.steps * d.batch, 4 * d.hidden]) { delta in
                            RecurrentKernel.throughTime(
                                d, outputGrad: outputGrad, sequence: sequence, trace: trace, recurrent: recurrent
                            ) { t, rows, dh in
                                let gateBase = t * d.gateBlock + rows.lowerBound * d.gates * d.hidden
                                let s = t * d.hiddenBlock + rows.lowerBound * d.hidden
                                backwardStep(
                                    batch: rows.count, n: d.hidden, gates: g.baseAddress! + gateBase,
                                    cellBefore: t > 0 ? c.baseAddress! + s - d.hiddenBlock : nil,
                                    cellTanh: tc.baseAddress! + s, dh: dh, dc: dc.baseAddress! + rows.lowerBound * d.hidden,
                                    delta: delta.baseAddress! + gateBase)
                                if t > 0 {
                                    RecurrentKernel.recurrentGradient(
                                        d, rows: rows.count, delta: delta.baseAddress! + gateBase, recurrent: recurrent, into: dh,
                                        beta: 0)
                                }
                            }
                        }
                    }
                }
            }
        }
        return RecurrentGateGradients(input: delta, recurrent: delta)
    }

    /// One step of `backward` over `[batch, n]`: writes the gate deltas, replaces dc by ∂L/∂c_{t−1}.
    @inline(__always)
    static func backwardStep<Scalar: TensorScalar>(
        batch: Int, n: Int, gates: UnsafePointer<Scalar>, cellBefore: UnsafePointer<Scalar>?,
        cellTanh: UnsafePointer<Scalar>, dh: UnsafePointer<Scalar>, dc: UnsafeMutablePointer<Scalar>,
        delta: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            gg_lstm_backward_f32(
                batch, n, .float(gates), cellBefore.map { .float($0) }, .float(cellTanh), .float(dh), .float(dc), .float(delta))
            return
        }
        for b in 0..<batch {
            let i = gates + b * 4 * n
            let (f, g, o) = (i + n, i + 2 * n, i + 3 * n)
            let di = delta + b * 4 * n
            let (df, dg, dO) = (di + n, di + 2 * n, di + 3 * n)
            let (tanhC, dhRow, dcRow) = (cellTanh + b * n, dh + b * n, dc + b * n)
            let before = cellBefore.map { $0 + b * n }
            for j in 0..<n {
                let dhv = dhRow[j]
                let dcv = dcRow[j] + dhv * o[j] * (1 - tanhC[j] * tanhC[j])
                di[j] = dcv * g[j] * i[j] * (1 - i[j])
                df[j] = dcv * (before?[j] ?? 0) * f[j] * (1 - f[j])
                dg[j] = dcv * i[j] * (1 - g[j] * g[j])
                dO[j] = dhv * tanhC[j] * o[j] * (1 - o[j])
                dcRow[j] = dcv * f[j]
            }
        }
    }
}
