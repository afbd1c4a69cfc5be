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
            let dWih = Tensor.matmul(grads.input, timeMajorX, transposeA: true)
            let dWhh = previousStateProduct(d, grads.recurrent, tape.hidden)
            var result: [Tensor<Scalar>?] = [dx, dWih, dWhh]
            let inputBiasGrad = hasBiasIH || hasBiasHH ? grads.input.sum(alongAxes: [0]) : nil
            if hasBiasIH { result.append(inputBiasGrad) }
            if hasBiasHH {
                // RNN and LSTM add both biases to the same pre-activation: one column sum serves both.
                result.append(cell == .gru ? grads.recurrent.sum(alongAxes: [0]) : inputBiasGrad)
            }
            return result
        }
    }

    /// ∂W_hh = Σ_{t ≥ 1} δ_tᵀ · h_{t−1} as one GEMM: steps 1… of δ against steps …T−2 of h
    /// (h_{−1} = 0 contributes nothing).
    static func previousStateProduct<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, _ delta: Tensor<Scalar>, _ hidden: Tensor<Scalar>
    ) -> Tensor<Scalar> {
        let width = d.gates * d.hidden
        guard d.steps > 1 else { return Tensor(zeros: [width, d.hidden]) }
        return delta.withUnsafeBufferPointer { pd in
            hidden.withUnsafeBufferPointer { ph in
                Tensor(shape: [width, d.hidden]) { out in
                    Scalar.gemm(
                        transposeA: true, transposeB: false, m: width, n: d.hidden, k: (d.steps - 1) * d.batch,
                        alpha: 1, a: pd.baseAddress! + d.gateBlock, lda: width, b: ph.baseAddress!, ldb: d.hidden,
                        beta: 0, c: out.baseAddress!, ldc: d.hidden)
                }
            }
        }
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

    /// ∂L/∂h_t into `dh` (`[batch, hidden]`): what came back from step t+1 (`dh`'s current
    /// content) plus the output's gradient at t; records the norm in `norms[t]`.
    @inline(__always)
    static func gatherHiddenGradient<Scalar: TensorScalar>(
        _ d: RecurrentDimensions, step t: Int, outputGrad: UnsafeBufferPointer<Scalar>, sequence: Bool,
        into dh: UnsafeMutableBufferPointer<Scalar>, norms: inout [Double]
    ) {
        if sequence {
            let source = outputGrad.baseAddress! + t * d.hiddenBlock
            for k in 0..<d.hiddenBlock { dh[k] += source[k] }
        } else if t == d.steps - 1 {
            for k in 0..<d.hiddenBlock { dh[k] += outputGrad[k] }
        }
        var squares: Scalar = 0
        for k in 0..<d.hiddenBlock { squares += dh[k] * dh[k] }
        norms[t] = Double(squares).squareRoot()
    }
}
