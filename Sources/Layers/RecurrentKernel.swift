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

    /// `c += a · W_hhᵀ` for one step's `[batch, hidden]` block `a` (`beta` 0 overwrites);
    /// `recurrent` is W_hhᵀ, packed once per sequence.
    @inline(__always)
    static func addRecurrentProduct<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, state a: UnsafePointer<Scalar>, recurrent: SmallGemmOperand<Scalar>,
        into c: UnsafeMutablePointer<Scalar>, beta: Scalar
    ) {
        recurrent.multiply(m: d.batch, a, lda: d.hidden, into: c, ldc: d.gates * d.hidden, accumulate: beta != 0)
    }

    /// `c = δ · W_hh (+ c if beta is 1)`: the gradient one step's gate block sends to h_{t−1};
    /// `recurrent` is W_hh, packed once per sequence.
    @inline(__always)
    static func recurrentGradient<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, delta: UnsafePointer<Scalar>, recurrent: SmallGemmOperand<Scalar>,
        into c: UnsafeMutablePointer<Scalar>, beta: Scalar
    ) {
        recurrent.multiply(m: d.batch, delta, lda: d.gates * d.hidden, into: c, ldc: d.hidden, accumulate: beta != 0)
    }

    /// Back-propagation through time's loop, shared by the cells: for t = T−1 … 0, gathers
    /// ∂L/∂h_t into a `[batch, hidden]` buffer (what step t+1 sent back plus the output's
    /// gradient at t), records its norm in `trace.norms`, and hands it to `step`, which writes
    /// step t's deltas and leaves ∂L/∂h_{t−1} in the buffer (for t > 0).
    @inline(__always)
    static func throughTime<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, outputGrad: Tensor<Scalar>, sequence: Bool, trace: HiddenGradientTrace,
        step: (_ t: Int, _ dh: UnsafeMutablePointer<Scalar>) -> Void
    ) {
        var norms = [Double](repeating: 0, count: d.steps)
        var gradient = Tensor<Scalar>(zeros: [d.batch, d.hidden])
        outputGrad.withUnsafeBufferPointer { og in
            gradient.withUnsafeMutableBufferPointer { dh in
                for t in stride(from: d.steps - 1, through: 0, by: -1) {
                    if sequence {
                        let source = og.baseAddress! + t * d.hiddenBlock
                        for k in 0..<d.hiddenBlock { dh[k] += source[k] }
                    } else if t == d.steps - 1 {
                        for k in 0..<d.hiddenBlock { dh[k] += og[k] }
                    }
                    norms[t] = Scalar.sumOfSquares(dh.baseAddress!, count: d.hiddenBlock).squareRoot()
                    step(t, dh.baseAddress!)
                }
            }
        }
        trace.norms = norms
    }
}
