// Forward and backward of a whole chunk of T steps for B streams, with every buffer
// allocated once. The cuDNN recipe: the input projection of all T steps is one GEMM, only
// the recurrent product runs per step, and the weight gradients of all steps are
// accumulated by one GEMM each in backward.
//
// Legend: T time steps, B batch rows (streams), N = T·B, E embedding width, H hidden
// width, G gate width (H, 4H or 3H), V vocabulary, L layers. Row r = t·B + b.
import Foundation

/// Buffers and the forward/backward pass of one model for chunks of at most T steps.
/// Also carries the hidden state across chunks (truncated BPTT).
public final class TrainingGraph {
    public let config: ModelConfig
    public let maxSteps: Int
    public let batch: Int

    private let layout: ParameterLayout
    private var steps = 0
    private var usedDropout = false

    // MARK: Forward caches
    /// (N, E) embedding rows for layer 0, after dropout.
    private let embedded: FloatBuffer
    /// Per layer (T+1)·B rows of H: row block 0 is the carried state h_{-1}, block t+1 is h_t.
    private let outputs: [FloatBuffer]
    /// LSTM only, per layer: (T+1)·B rows of H, laid out like `outputs`, for c.
    private let cells: [FloatBuffer]
    /// LSTM only, per layer: (N, H) tanh(c_t).
    private let tanhCells: [FloatBuffer]
    /// LSTM/GRU, per layer: (N, G) gate activations (pre-activations during forward).
    private let gates: [FloatBuffer]
    /// GRU only, per layer: (N, G) W_hh h_{t-1} + b_hh.
    private let hiddenParts: [FloatBuffer]
    /// With dropout, per layer l ≥ 1: (N, H) the masked input; index 0 unused.
    private let droppedInputs: [FloatBuffer]
    /// With dropout, per layer: (N, width) masks holding 0 or 1/(1−p); the last entry is
    /// the decoder's.
    private let masks: [FloatBuffer]
    /// With dropout: (N, H) the decoder's masked input.
    private let droppedDecoderInput: FloatBuffer
    /// (N, V) logits, then probabilities, then dL/dlogits.
    public let probabilities: FloatBuffer
    private var targetsCopy: [Int32]
    private var inputsCopy: [Int32]

    // MARK: Backward scratch
    private let dGates: FloatBuffer       // (N, G)
    private let dHiddenParts: FloatBuffer // (N, G), GRU only
    private let dOutput: FloatBuffer      // (N, H)
    private let dInput: FloatBuffer       // (N, max(E, H))
    private let dhNext: FloatBuffer       // (B, H)
    private let dcNext: FloatBuffer       // (B, H)

    public init(config: ModelConfig, maxSteps: Int, batch: Int) {
        self.config = config
        self.maxSteps = maxSteps
        self.batch = batch
        self.layout = config.layout
        let rows = maxSteps * batch
        let H = config.hidden, G = config.gateWidth, L = config.layers
        let isLSTM = config.cell == .lstm, isGRU = config.cell == .gru
        let withDropout = config.dropout > 0
        embedded = FloatBuffer(count: rows * config.embed)
        outputs = (0..<L).map { _ in FloatBuffer(count: (maxSteps + 1) * batch * H) }
        cells = isLSTM ? (0..<L).map { _ in FloatBuffer(count: (maxSteps + 1) * batch * H) } : []
        tanhCells = isLSTM ? (0..<L).map { _ in FloatBuffer(count: rows * H) } : []
        gates = config.cell == .rnn ? [] : (0..<L).map { _ in FloatBuffer(count: rows * G) }
        hiddenParts = isGRU ? (0..<L).map { _ in FloatBuffer(count: rows * G) } : []
        droppedInputs = withDropout ? (0..<L).map { $0 == 0 ? FloatBuffer(count: 0) : FloatBuffer(count: rows * H) } : []
        masks = withDropout ? (0...L).map { FloatBuffer(count: rows * ($0 == 0 ? config.embed : H)) } : []
        droppedDecoderInput = FloatBuffer(count: withDropout ? rows * H : 0)
        probabilities = FloatBuffer(count: rows * config.vocabularySize)
        targetsCopy = Array(repeating: 0, count: rows)
        inputsCopy = Array(repeating: 0, count: rows)
        dGates = FloatBuffer(count: rows * G)
        dHiddenParts = FloatBuffer(count: isGRU ? rows * G : 0)
        dOutput = FloatBuffer(count: rows * H)
        dInput = FloatBuffer(count: rows * max(config.embed, H))
        dhNext = FloatBuffer(count: batch * H)
        dcNext = FloatBuffer(count: batch * H)
    }

    // MARK: - Carried state

    /// Zeroes the carried hidden (and cell) state: the next chunk starts fresh.
    public func resetState() {
        let count = batch * config.hidden
        for buffer in outputs { buffer.pointer.update(repeating: 0, count: count) }
        for buffer in cells { buffer.pointer.update(repeating: 0, count: count) }
    }

    /// Makes the state after the last forward chunk the initial state of the next one
    /// (detached: no gradient will flow into it). Call after `backward`, which still
    /// needs the old initial state.
    public func carryState() {
        let count = batch * config.hidden
        for buffer in outputs { buffer.pointer.update(from: buffer.pointer + steps * count, count: count) }
        for buffer in cells { buffer.pointer.update(from: buffer.pointer + steps * count, count: count) }
    }

    /// The carried state as PyTorch lays it out: h (L, B, H), then c (L, B, H) for LSTM.
    public var carriedState: [Float] {
        let count = batch * config.hidden
        var state: [Float] = []
        for buffer in outputs + cells { state += UnsafeBufferPointer(start: buffer.pointer, count: count) }
        return state
    }

    /// Restores a state read from `carriedState`.
    public func setCarriedState(_ state: [Float]) {
        let count = batch * config.hidden
        precondition(state.count == count * (outputs.count + cells.count), "state size does not match")
        for (index, buffer) in (outputs + cells).enumerated() {
            state.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress! + index * count, count: count) }
        }
    }

    /// Hidden outputs h_t of `layer` for the last forward chunk: (steps·B, H) rows.
    public func layerOutputs(_ layer: Int) -> UnsafePointer<Float> {
        UnsafePointer(outputs[layer].pointer + batch * config.hidden)
    }

    /// LSTM cell states c_t of `layer` for the last forward chunk: (steps·B, H) rows.
    public func layerCells(_ layer: Int) -> UnsafePointer<Float>? {
        cells.isEmpty ? nil : UnsafePointer(cells[layer].pointer + batch * config.hidden)
    }

    // MARK: - Forward

    /// Runs `steps` ≤ T steps. `inputs` and `targets` are (steps, B) token ids, row-major
    /// (index t·B + b). Returns the summed cross-entropy in nats over the steps·B tokens;
    /// leaves probabilities in `probabilities`. Without `targets` only the state and the
    /// probabilities are computed. `random` draws dropout masks when `training`.
    @discardableResult
    public func forward(model: LanguageModel, inputs: UnsafeBufferPointer<Int32>,
                        targets: UnsafeBufferPointer<Int32>?, steps: Int,
                        training: Bool, random: inout RandomGenerator) -> Double {
        precondition(steps >= 1 && steps <= maxSteps, "chunk length \(steps) exceeds \(maxSteps)")
        precondition(inputs.count >= steps * batch)
        self.steps = steps
        let N = steps * batch, E = config.embed, H = config.hidden, V = config.vocabularySize
        let parameters = model.parameters.pointer
        usedDropout = training && config.dropout > 0
        let keep = 1 - config.dropout

        // Embedding: embedded[r] = encoder.weight[inputs[r]]
        let encoder = parameters + layout["encoder.weight"].offset
        for row in 0..<N {
            let token = Int(inputs[row])
            inputsCopy[row] = inputs[row]
            (embedded.pointer + row * E).update(from: encoder + token * E, count: E)
        }
        if usedDropout { applyNewMask(masks[0], to: embedded.pointer, count: N * E, keep: keep, random: &random) }

        var layerInput = UnsafePointer(embedded.pointer)
        var inputWidth = E
        for layer in 0..<config.layers {
            if layer > 0 {
                let previous = outputs[layer - 1].pointer + batch * H
                if usedDropout {
                    droppedInputs[layer].pointer.update(from: previous, count: N * H)
                    applyNewMask(masks[layer], to: droppedInputs[layer].pointer, count: N * H, keep: keep, random: &random)
                    layerInput = UnsafePointer(droppedInputs[layer].pointer)
                } else {
                    layerInput = UnsafePointer(previous)
                }
                inputWidth = H
            }
            forwardLayer(layer, input: layerInput, inputWidth: inputWidth, steps: steps, parameters: parameters)
        }

        // Decoder: logits (N, V) = y · decoder.weight^T + decoder.bias
        var decoderInput = UnsafePointer(outputs[config.layers - 1].pointer + batch * H)
        if usedDropout {
            droppedDecoderInput.pointer.update(from: decoderInput, count: N * H)
            applyNewMask(masks[config.layers], to: droppedDecoderInput.pointer, count: N * H, keep: keep, random: &random)
            decoderInput = UnsafePointer(droppedDecoderInput.pointer)
        }
        let logits = probabilities.pointer
        Gemm.multiply(transposeB: true, m: N, n: V, k: H, a: decoderInput, lda: H,
                      b: parameters + layout["decoder.weight"].offset, ldb: H, beta: 0, c: logits, ldc: V)
        addBias(parameters + layout["decoder.bias"].offset, to: logits, rows: N, width: V)
        softmaxRows(logits, rows: N, width: V)

        guard let targets else { return 0 }
        var loss = 0.0
        for row in 0..<N {
            let target = Int(targets[row])
            targetsCopy[row] = targets[row]
            loss -= Double(logf(max(logits[row * V + target], Float.leastNormalMagnitude)))
        }
        return loss
    }

    private func forwardLayer(_ layer: Int, input: UnsafePointer<Float>, inputWidth: Int, steps: Int,
                              parameters: UnsafeMutablePointer<Float>) {
        let B = batch, H = config.hidden, G = config.gateWidth, N = steps * B
        let weightIH = parameters + layout["rnn.weight_ih_l\(layer)"].offset
        let weightHH = parameters + layout["rnn.weight_hh_l\(layer)"].offset
        let biasIH = parameters + layout["rnn.bias_ih_l\(layer)"].offset
        let biasHH = parameters + layout["rnn.bias_hh_l\(layer)"].offset
        let output = outputs[layer].pointer

        switch config.cell {
        case .rnn:
            // Rows 1…T of `output` first hold the pre-activations, then h_t in place.
            let pre = output + B * H
            Gemm.multiply(transposeB: true, m: N, n: H, k: inputWidth, a: input, lda: inputWidth,
                          b: weightIH, ldb: inputWidth, beta: 0, c: pre, ldc: H)
            addBias(biasIH, biasHH, to: pre, rows: N, width: H)
            for t in 0..<steps {
                let hPrevious = output + t * B * H, h = output + (t + 1) * B * H
                Gemm.multiply(transposeB: true, m: B, n: H, k: H, a: hPrevious, lda: H,
                              b: weightHH, ldb: H, beta: 1, c: h, ldc: H)
                CellKernels.rnnForward(config.activation, count: B * H, preToHidden: h)
            }
        case .lstm:
            let gate = gates[layer].pointer, cell = cells[layer].pointer, tanhCell = tanhCells[layer].pointer
            Gemm.multiply(transposeB: true, m: N, n: G, k: inputWidth, a: input, lda: inputWidth,
                          b: weightIH, ldb: inputWidth, beta: 0, c: gate, ldc: G)
            addBias(biasIH, biasHH, to: gate, rows: N, width: G)
            for t in 0..<steps {
                let gateT = gate + t * B * G
                Gemm.multiply(transposeB: true, m: B, n: G, k: H, a: output + t * B * H, lda: H,
                              b: weightHH, ldb: H, beta: 1, c: gateT, ldc: G)
                CellKernels.lstmForward(batch: B, hidden: H, gates: gateT, cPrev: cell + t * B * H,
                                        c: cell + (t + 1) * B * H, tanhC: tanhCell + t * B * H,
                                        h: output + (t + 1) * B * H)
            }
        case .gru:
            let gate = gates[layer].pointer, hiddenPart = hiddenParts[layer].pointer
            Gemm.multiply(transposeB: true, m: N, n: G, k: inputWidth, a: input, lda: inputWidth,
                          b: weightIH, ldb: inputWidth, beta: 0, c: gate, ldc: G)
            addBias(biasIH, to: gate, rows: N, width: G)
            for t in 0..<steps {
                let partT = hiddenPart + t * B * G
                Gemm.multiply(transposeB: true, m: B, n: G, k: H, a: output + t * B * H, lda: H,
                              b: weightHH, ldb: H, beta: 0, c: partT, ldc: G)
                addBias(biasHH, to: partT, rows: B, width: G)
                CellKernels.gruForward(batch: B, hidden: H, gates: gate + t * B * G, hiddenPart: partT,
                                       hPrev: output + t * B * H, h: output + (t + 1) * B * H)
            }
        }
    }

    // MARK: - Backward

    /// Adds the gradient of the mean cross-entropy of the last forward chunk to
    /// `gradients` (same layout as the parameters). Destroys `probabilities`.
    public func backward(model: LanguageModel, gradients: UnsafeMutablePointer<Float>) {
        let N = steps * batch, E = config.embed, H = config.hidden, V = config.vocabularySize
        let parameters = model.parameters.pointer

        // loss = −(1/N) Σ log p[target]  ⇒  dlogits = (p − onehot) / N
        let dLogits = probabilities.pointer
        let scale = 1 / Float(N)
        for row in 0..<N {
            let line = dLogits + row * V
            for v in 0..<V { line[v] *= scale }
            line[Int(targetsCopy[row])] -= scale
        }
        let decoderInput = usedDropout ? UnsafePointer(droppedDecoderInput.pointer)
                                       : UnsafePointer(outputs[config.layers - 1].pointer + batch * H)
        // logits = y · W^T + b
        Gemm.multiply(transposeA: true, m: V, n: H, k: N, a: dLogits, lda: V, b: decoderInput, ldb: H,
                      beta: 1, c: gradients + layout["decoder.weight"].offset, ldc: H)
        addColumnSums(of: dLogits, rows: N, width: V, to: gradients + layout["decoder.bias"].offset)
        Gemm.multiply(m: N, n: H, k: V, a: dLogits, lda: V, b: parameters + layout["decoder.weight"].offset,
                      ldb: H, beta: 0, c: dOutput.pointer, ldc: H)
        if usedDropout { multiply(dOutput.pointer, by: masks[config.layers].pointer, count: N * H) }

        for layer in stride(from: config.layers - 1, through: 0, by: -1) {
            let inputWidth = layer == 0 ? E : H
            let input: UnsafePointer<Float>
            if layer == 0 {
                input = UnsafePointer(embedded.pointer)
            } else if usedDropout {
                input = UnsafePointer(droppedInputs[layer].pointer)
            } else {
                input = UnsafePointer(outputs[layer - 1].pointer + batch * H)
            }
            backwardLayer(layer, input: input, inputWidth: inputWidth, parameters: parameters, gradients: gradients)
            if usedDropout { multiply(dInput.pointer, by: masks[layer].pointer, count: N * inputWidth) }
            if layer > 0 {
                dOutput.pointer.update(from: dInput.pointer, count: N * H)
            }
        }

        // embedded[r] = encoder.weight[inputs[r]]
        let encoderGradient = gradients + layout["encoder.weight"].offset
        for row in 0..<N {
            let target = encoderGradient + Int(inputsCopy[row]) * E
            let source = dInput.pointer + row * E
            for j in 0..<E { target[j] += source[j] }
        }
    }

    /// Consumes dOutput (N, H) = dL/dh_t from above; leaves dL/d(layer input) in dInput.
    private func backwardLayer(_ layer: Int, input: UnsafePointer<Float>, inputWidth: Int,
                               parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let B = batch, H = config.hidden, G = config.gateWidth, N = steps * B
        let weightIH = parameters + layout["rnn.weight_ih_l\(layer)"].offset
        let weightHH = parameters + layout["rnn.weight_hh_l\(layer)"].offset
        let output = outputs[layer].pointer
        let dOut = dOutput.pointer, dPre = dGates.pointer
        dhNext.zero()
        dcNext.zero()
        // For the RNN and LSTM the same pre-activation feeds both products; the GRU's
        // hidden product has its own gradient because r multiplies W_hn h + b_hn.
        let dHidden = config.cell == .gru ? dHiddenParts.pointer : dPre

        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dh = dOut + t * B * H
            for j in 0..<(B * H) { dh[j] += dhNext[j] }
            let dPreT = dPre + t * B * G
            switch config.cell {
            case .rnn:
                CellKernels.rnnBackward(config.activation, count: B * H, hidden: output + (t + 1) * B * H,
                                        dHidden: dh, dPre: dPreT)
                Gemm.multiply(m: B, n: H, k: G, a: dPreT, lda: G, b: weightHH, ldb: H, beta: 0, c: dhNext.pointer, ldc: H)
            case .lstm:
                let cell = cells[layer].pointer
                CellKernels.lstmBackward(batch: B, hidden: H, gates: gates[layer].pointer + t * B * G,
                                         cPrev: cell + t * B * H, tanhC: tanhCells[layer].pointer + t * B * H,
                                         dh: dh, dc: dcNext.pointer, dPre: dPreT)
                Gemm.multiply(m: B, n: H, k: G, a: dPreT, lda: G, b: weightHH, ldb: H, beta: 0, c: dhNext.pointer, ldc: H)
            case .gru:
                let dHiddenT = dHidden + t * B * G
                CellKernels.gruBackward(batch: B, hidden: H, gates: gates[layer].pointer + t * B * G,
                                        hiddenPart: hiddenParts[layer].pointer + t * B * G,
                                        hPrev: output + t * B * H, dh: dh, dInputPart: dPreT,
                                        dHiddenPart: dHiddenT, dhPrevDirect: dhNext.pointer)
                Gemm.multiply(m: B, n: H, k: G, a: dHiddenT, lda: G, b: weightHH, ldb: H, beta: 1, c: dhNext.pointer, ldc: H)
            }
        }

        // pre_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh, summed over all steps at once.
        Gemm.multiply(transposeA: true, m: G, n: H, k: N, a: dHidden, lda: G, b: output, ldb: H,
                      beta: 1, c: gradients + layout["rnn.weight_hh_l\(layer)"].offset, ldc: H)
        addColumnSums(of: dHidden, rows: N, width: G, to: gradients + layout["rnn.bias_hh_l\(layer)"].offset)
        Gemm.multiply(transposeA: true, m: G, n: inputWidth, k: N, a: dPre, lda: G, b: input, ldb: inputWidth,
                      beta: 1, c: gradients + layout["rnn.weight_ih_l\(layer)"].offset, ldc: inputWidth)
        addColumnSums(of: dPre, rows: N, width: G, to: gradients + layout["rnn.bias_ih_l\(layer)"].offset)
        Gemm.multiply(m: N, n: inputWidth, k: G, a: dPre, lda: G, b: weightIH, ldb: inputWidth,
                      beta: 0, c: dInput.pointer, ldc: inputWidth)
    }

    // MARK: - Helpers

    private func applyNewMask(_ mask: FloatBuffer, to values: UnsafeMutablePointer<Float>, count: Int,
                              keep: Float, random: inout RandomGenerator) {
        let scale = 1 / keep
        let m = mask.pointer
        for index in 0..<count {
            m[index] = random.nextUnitFloat() < keep ? scale : 0
            values[index] *= m[index]
        }
    }

    private func multiply(_ values: UnsafeMutablePointer<Float>, by mask: UnsafePointer<Float>, count: Int) {
        for index in 0..<count { values[index] *= mask[index] }
    }
}

// MARK: - Row operations shared with sampling

/// Adds a (width) bias — or the sum of two — to every row of a (rows, width) matrix.
func addBias(_ bias: UnsafePointer<Float>, _ second: UnsafePointer<Float>? = nil,
             to matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    for row in 0..<rows {
        let line = matrix + row * width
        if let second {
            for j in 0..<width { line[j] += bias[j] + second[j] }
        } else {
            for j in 0..<width { line[j] += bias[j] }
        }
    }
}

/// sums[j] += Σ_rows matrix[row, j]
func addColumnSums(of matrix: UnsafePointer<Float>, rows: Int, width: Int, to sums: UnsafeMutablePointer<Float>) {
    for row in 0..<rows {
        let line = matrix + row * width
        for j in 0..<width { sums[j] += line[j] }
    }
}

/// Numerically stable softmax of every row, in place.
func softmaxRows(_ matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    for row in 0..<rows {
        let line = matrix + row * width
        var largest = -Float.infinity
        for j in 0..<width { largest = max(largest, line[j]) }
        var total: Float = 0
        for j in 0..<width {
            let e = expf(line[j] - largest)
            line[j] = e
            total += e
        }
        let inverse = 1 / total
        for j in 0..<width { line[j] *= inverse }
    }
}
