import Autodiff
import TensorCore

/// The sizes of one recurrent pass; buffers are time-major (`[steps · batch, width]`), so each
/// time step is one contiguous `[batch, width]` block that a GEMM reads or writes directly.
struct RecurrentDimensions {
    let batch: Int, steps: Int, input: Int, hidden: Int, gates: Int
    /// Elements of one step's gate block (`batch · gates · hidden`).
    var gateBlock: Int { batch * gates * hidden }
    /// Elements of one step's hidden block (`batch · hidden`).
    var hiddenBlock: Int { batch * hidden }
}

/// What the forward pass keeps for back-propagation through time, all time-major.
struct RecurrentTape<Scalar: TensorScalar> {
    /// h_t, `[steps · batch, hidden]`.
    var hidden: Tensor<Scalar>
    /// Gate activations, `[steps · batch, gates · hidden]` (LSTM: i, f, g, o; GRU: r, z, n;
    /// RNN: unused, empty).
    var gates: Tensor<Scalar>
    /// LSTM: the cell state c_t; GRU: W_hn h_{t−1} + b_hn; RNN: empty. `[steps · batch, hidden]`.
    var cell: Tensor<Scalar>
    /// LSTM: tanh(c_t); otherwise empty.
    var cellTanh: Tensor<Scalar>
}

/// Gradients the cell's backward pass hands to the shared epilogue.
struct RecurrentGateGradients<Scalar: TensorScalar> {
    /// ∂L/∂(W_ih x_t + b_ih) per step, `[steps · batch, gates · hidden]`.
    var input: Tensor<Scalar>
    /// ∂L/∂(W_hh h_{t−1} + b_hh) per step; the same tensor as `input` except for the GRU.
    var recurrent: Tensor<Scalar>
}

/// A whole recurrent layer over a sequence as one autodiff operation: one GEMM projects every
/// time step's input at once, one GEMM per step adds `h_{t−1} · W_hhᵀ` for all gates, and the
/// backward pass (back-propagation through time, Werbos 1990) ends with one GEMM each for
/// ∂W_ih, ∂W_hh and ∂x over all steps. Only the per-step recurrence is sequential.
///
/// Element loops index through per-row pointers (`row[j]`), never `buffer[base + j]`: the
/// overflow check on `base + j` keeps LLVM from vectorising a loop.
enum RecurrentKernel {
    /// The layer's output for batch-first `x` (`[batch, steps, input]`): the last step's h
    /// (`[batch, hidden]`) or, with `returnsSequences`, every h (`[batch, steps, hidden]`).
    static func run<Scalar: TensorScalar>(
        cell: RecurrentCell, _ x: Variable<Scalar>,
        weightIH: Variable<Scalar>, weightHH: Variable<Scalar>, biasIH: Variable<Scalar>?, biasHH: Variable<Scalar>?,
        returnsSequences: Bool, trace: HiddenGradientTrace
    ) -> Variable<Scalar> {
        let d = RecurrentDimensions(
            batch: x.shape[0], steps: x.shape[1], input: x.shape[2], hidden: weightHH.shape[1], gates: cell.gateCount)
        let (wih, whh) = (weightIH.value, weightHH.value)
        let timeMajorX = x.value.permuted([1, 0, 2]).reshaped([d.steps * d.batch, d.input])
        // Every step's input projection at once; the GRU keeps b_hh apart (it sits inside r ⊙ …).
        var inputBias = biasIH?.value
        if cell != .gru, let b = biasHH?.value { inputBias = inputBias.map { $0 + b } ?? b }
        let projected = Tensor.matmul(timeMajorX, wih, transposeB: true, rowBias: inputBias)
        let tape: RecurrentTape<Scalar>
        let forwardOperand = SmallGemmOperand(whh, transposed: true)  // W_hhᵀ
        switch cell {
        case .rnn(let f): tape = RNNKernel.forward(d, preactivations: consume projected, recurrent: forwardOperand, nonlinearity: f)
        case .lstm: tape = LSTMKernel.forward(d, preactivations: consume projected, recurrent: forwardOperand)
        case .gru: tape = GRUKernel.forward(d, inputPart: consume projected, recurrent: forwardOperand, biasHH: biasHH?.value)
        }
        let output = returnsSequences
            ? tape.hidden.reshaped([d.steps, d.batch, d.hidden]).permuted([1, 0, 2])
            : tape.hidden.slice(axis: 0, (d.steps - 1) * d.batch ..< d.steps * d.batch)
        trace.norms = []
        trace.gateReader = cell.gateCount > 1 ? { [gates = tape.gates] in GateSummary.summarize(gates, cell: cell, hidden: d.hidden) } : nil
        let inputs = [x, weightIH, weightHH] + [biasIH, biasHH].compactMap { $0 }
        let (hasBiasIH, hasBiasHH, needsInputGrad) = (biasIH != nil, biasHH != nil, x.requiresGrad)
        return Variable.operation(output, inputs: inputs) { g in
            let outputGrad = returnsSequences ? g.permuted([1, 0, 2]).reshaped([d.steps * d.batch, d.hidden]) : g
            let grads: RecurrentGateGradients<Scalar>
            let backwardOperand = SmallGemmOperand(whh)
            switch cell {
            case .rnn(let f):
                grads = RNNKernel.backward(d, tape, outputGrad: outputGrad, sequence: returnsSequences,
                                           recurrent: backwardOperand, nonlinearity: f, trace: trace)
            case .lstm:
                grads = LSTMKernel.backward(d, tape, outputGrad: outputGrad, sequence: returnsSequences,
                                            recurrent: backwardOperand, trace: trace)
            case .gru:
                grads = GRUKernel.backward(d, tape, outputGrad: outputGrad, sequence: returnsSequences,
                                           recurrent: backwardOperand, trace: trace)
            }
            let dx = needsInputGrad
                ? Tensor.matmul(grads.input, wih).reshaped([d.steps, d.batch, d.input]).permuted([1, 0, 2]) : nil
            var result: [Tensor<Scalar>?] = [dx]
            if cell == .gru {
                // The GRU's two sides have different deltas: one product each.
                let inputSide = parameterGradients(d, grads.input, input: timeMajorX, hidden: nil)
                let recurrentSide = parameterGradients(d, grads.recurrent, input: nil, hidden: tape.hidden)
                result += [inputSide.input, recurrentSide.recurrent]
                if hasBiasIH { result.append(inputSide.bias) }
                if hasBiasHH { result.append(recurrentSide.bias) }
            } else {
                // RNN and LSTM add both biases to the same pre-activation: one column sum serves both.
                let all = parameterGradients(d, grads.input, input: timeMajorX, hidden: tape.hidden)
                result += [all.input, all.recurrent]
                if hasBiasIH { result.append(all.bias) }
                if hasBiasHH { result.append(all.bias) }
            }
            return result
        }
    }

    /// ∂W_ih = Σ_t δ_tᵀ · x_t, ∂W_hh = Σ_{t ≥ 1} δ_tᵀ · h_{t−1} and the bias gradient Σ_t δ_t
    /// (`[width]`) as one GEMM, `δᵀ · [x | h_{t−1} | 1]`, so δ (the largest operand) is read and
    /// packed once; a side left nil is left out (and comes back nil). h_{−1} = 0.
    static func parameterGradients<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ delta: Tensor<Scalar>, input: Tensor<Scalar>?, hidden: Tensor<Scalar>?
    ) -> (input: Tensor<Scalar>?, recurrent: Tensor<Scalar>?, bias: Tensor<Scalar>) {
        let width = d.gates * d.hidden, rows = d.steps * d.batch
        let inputColumns = input == nil ? 0 : d.input, hiddenColumns = hidden == nil ? 0 : d.hidden
        let columns = inputColumns + hiddenColumns + 1
        // Every element is written once (no zeroing pass over the 2 MB of W4's operand first).
        let operand = Tensor<Scalar>(shape: [rows, columns]) { r in
            let base = r.baseAddress!
            input?.withUnsafeBufferPointer { x in
                for row in 0..<rows {
                    (base + row * columns).initialize(from: x.baseAddress! + row * d.input, count: d.input)
                }
            }
            hidden?.withUnsafeBufferPointer { h in
                for row in 0..<rows {
                    let target = base + row * columns + inputColumns
                    if row < d.batch {
                        target.initialize(repeating: 0, count: d.hidden)  // h_{−1} = 0
                    } else {
                        target.initialize(from: h.baseAddress! + (row - d.batch) * d.hidden, count: d.hidden)
                    }
                }
            }
            for row in 0..<rows { (base + row * columns + columns - 1).initialize(to: 1) }
        }
        let product = Tensor.matmul(delta, operand, transposeA: true)  // [width, columns]
        func columnsOf(_ range: Range<Int>) -> Tensor<Scalar> {
            product.withUnsafeBufferPointer { p in
                Tensor(shape: [width, range.count]) { out in
                    for row in 0..<width {
                        (out.baseAddress! + row * range.count)
                            .initialize(from: p.baseAddress! + row * columns + range.lowerBound, count: range.count)
                    }
                }
            }
        }
        return (input == nil ? nil : columnsOf(0..<inputColumns),
                hidden == nil ? nil : columnsOf(inputColumns..<inputColumns + hiddenColumns),
                columnsOf(columns - 1..<columns).reshaped([width]))
    }

    /// Runs `body` over the batch's rows, in blocks. Each row's recurrence is independent of the
    /// others' (row b of h_t depends on row b of h_{t−1} only), so where the products run on the
    /// packed panels each block of rows goes through the whole sequence on one thread, this one
    /// or the helper, whichever takes it (`runSharing`): a hand-over per block and pass, where
    /// splitting every step's product by columns and its cell by rows took two per step and
    /// passed each step's gates and h between the cores. Blocks of 8 rows (two of the panel
    /// kernel's row blocks; 8 × 512 × 128 runs at 97 % of 32 × 512 × 128's rate on one core of
    /// an AMD EPYC Zen 3) let a helper
    /// whose CPU is busy take fewer. Otherwise (Double, BLAS, a small pass) all rows run here.
    @inline(__always)
    static func overBatchRows<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ recurrent: SmallGemmOperand<Scalar>, _ body: (Range<Int>) -> Void
    ) {
        guard recurrent.isPacked, d.batch >= 2, d.steps * d.batch * recurrent.k * recurrent.n >= 1 << 18 else {
            return body(0..<d.batch)
        }
        let rows = d.batch >= 16 ? 8 : (d.batch + 1) / 2
        runSharing(pieces: (d.batch + rows - 1) / rows) { block in
            body(block * rows ..< Swift.min(d.batch, (block + 1) * rows))
        }
    }

    /// `c += a · W_hhᵀ` for `rows` rows of one step's `[batch, hidden]` block, from `a`'s first
    /// (`beta` 0 overwrites); `recurrent` is W_hhᵀ, packed once per sequence.
    @inline(__always)
    static func addRecurrentProduct<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, rows: Int, state a: UnsafePointer<Scalar>, recurrent: SmallGemmOperand<Scalar>,
        into c: UnsafeMutablePointer<Scalar>, beta: Scalar
    ) {
        recurrent.multiply(m: rows, a, lda: d.hidden, into: c, ldc: d.gates * d.hidden, accumulate: beta != 0)
    }

    /// `c = δ · W_hh (+ c if beta is 1)` for `rows` rows: the gradient one step's gate block sends
    /// to h_{t−1}; `recurrent` is W_hh, packed once per sequence.
    @inline(__always)
    static func recurrentGradient<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, rows: Int, delta: UnsafePointer<Scalar>, recurrent: SmallGemmOperand<Scalar>,
        into c: UnsafeMutablePointer<Scalar>, beta: Scalar
    ) {
        recurrent.multiply(m: rows, delta, lda: d.gates * d.hidden, into: c, ldc: d.hidden, accumulate: beta != 0)
    }

    /// Back-propagation through time's loop, shared by the cells: for t = T−1 … 0, gathers
    /// ∂L/∂h_t into a `[batch, hidden]` buffer (what step t+1 sent back plus the output's
    /// gradient at t), records its norm in `trace.norms`, and hands it to `step` for `rows`
    /// (`overBatchRows`: all of them, or a block of them on either thread) with the buffer's
    /// first row of them; `step` writes step t's deltas for those rows and leaves their
    /// ∂L/∂h_{t−1} in the buffer (for t > 0).
    @inline(__always)
    static func throughTime<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, outputGrad: Tensor<Scalar>, sequence: Bool, trace: HiddenGradientTrace,
        recurrent: SmallGemmOperand<Scalar>,
        step: (_ t: Int, _ rows: Range<Int>, _ dh: UnsafeMutablePointer<Scalar>) -> Void
    ) {
        // Σ (∂L/∂h_t)² per block of rows (at its first row) and step, added once all are done.
        var squares = [Double](repeating: 0, count: d.batch * d.steps)
        var gradient = Tensor<Scalar>(zeros: [d.batch, d.hidden])
        outputGrad.withUnsafeBufferPointer { og in
            gradient.withUnsafeMutableBufferPointer { buffer in
                squares.withUnsafeMutableBufferPointer { squares in
                    overBatchRows(d, recurrent) { rows in
                        let (first, count) = (rows.lowerBound * d.hidden, rows.count * d.hidden)
                        let dh = buffer.baseAddress! + first
                        let partial = squares.baseAddress! + rows.lowerBound * d.steps
                        for t in stride(from: d.steps - 1, through: 0, by: -1) {
                            if sequence {
                                let source = og.baseAddress! + t * d.hiddenBlock + first
                                for k in 0..<count { dh[k] += source[k] }
                            } else if t == d.steps - 1 {
                                let source = og.baseAddress! + first
                                for k in 0..<count { dh[k] += source[k] }
                            }
                            partial[t] = Scalar.sumOfSquares(dh, count: count)
                            step(t, rows, dh)
                        }
                    }
                }
            }
        }
        trace.norms = (0..<d.steps).map { t in
            stride(from: t, to: squares.count, by: d.steps).reduce(0) { $0 + squares[$1] }.squareRoot()
        }
    }
}
