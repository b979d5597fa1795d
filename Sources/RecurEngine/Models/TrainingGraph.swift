// Forward and backward of a whole chunk of T steps for B streams, with every buffer
// allocated once. The cuDNN recipe: the input projection of all T steps is one GEMM, only
// the recurrent product runs per step, and the weight gradients of all steps are
// accumulated by one GEMM each in backward.
//
// Legend: T time steps, B batch rows (streams), N = T·B, E embedding width, H hidden
// width, G gate width (H, 4H or 3H), V vocabulary, L layers. Row r = t·B + b.
import CRecurKernels
import Dispatch
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
    /// Whether the last forward computed layer 0's input projection through `tokenTable`.
    private(set) var usedTokenTable = false

    // MARK: Forward caches
    /// (N, E) embedding rows for layer 0 (dropout never masks them, as nn.LSTM's dropout
    /// does not: so layer 0 may read the token table in training too).
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
    /// With dropout, per layer l ≥ 1: (N, H) the mask of layer l's input, holding 0 or
    /// 1/(1−p); index 0 unused (layer 0's input is not dropped), index L is the decoder's.
    private let masks: [FloatBuffer]
    /// With dropout: (N, H) the decoder's masked input.
    private let droppedDecoderInput: FloatBuffer
    /// Only when V·4 ≤ T·B: (V, G) layer 0's input projection of every token, see
    /// `projectTokens`.
    private let tokenTable: FloatBuffer
    /// With `norm` layer: each layer's normalised values and 1/√(var + ε) per row, which
    /// backward needs; their `hidden` caches also receive W_hh h_{t−1} before its norm.
    private let inputNorms: [LayerNormCache], hiddenNorms: [LayerNormCache], cellNorms: [LayerNormCache]
    /// With `norm` layer and the token table: the table's rows before their biases.
    private let tableNorm: LayerNormCache
    /// (N, V) logits, then probabilities, then dL/dlogits. With the adaptive softmax only
    /// the whole distribution lands here (a forward without targets), allocated then.
    public private(set) var probabilities: FloatBuffer
    /// The adaptive softmax's buffers and passes, when the model has one.
    private let adaptiveSoftmax: AdaptiveSoftmax?
    private var targetsCopy: [Int32]
    private var inputsCopy: [Int32]

    // MARK: Backward scratch
    private let dGates: FloatBuffer       // (N, G)
    private let dHiddenParts: FloatBuffer // (N, G), GRU only
    private let dOutput: FloatBuffer      // (N, H)
    private let dInput: FloatBuffer       // (N, max(E, H))
    private let dhNext: FloatBuffer       // (B, H)
    private let dcNext: FloatBuffer       // (B, H)
    private let dTokenTable: FloatBuffer  // (V, G), with tokenTable
    private let dHiddenProducts: FloatBuffer // (N, G), norm layer: dL/d(W_hh h_{t−1}) before the norm
    private let dCellNorms: FloatBuffer   // (N, H), norm layer LSTM: dL/d(the cell norm's output)

    // MARK: Parallel recurrence
    /// Per layer: each gate's W_hh block packed as the B operand of h · W^T.
    private let packedForward: [FloatBuffer]
    /// Floats of one gate's block in `packedForward`.
    private let packedForwardGateCount: Int
    /// Per layer: W_hh packed as the B operand of dPre · W_hh.
    private let packedBackward: [FloatBuffer]
    /// Which weights the packed copies were made from.
    private var packedKey: (ObjectIdentifier, Int)?
    /// Slices of hidden units that threads take on; boundaries are multiples of 16 (the
    /// packed panel width).
    private let unitChunks: [Range<Int>]
    /// As many slices of the B rows, for the steps of a layer-normalised cell, which need
    /// whole rows (a row's statistics span all its units); some may be empty.
    private let rowChunks: [Range<Int>]
    /// How many slices the recurrence is split into (1: no threads).
    var unitChunkCount: Int { unitChunks.count }
    private let phaseCounters: OpaquePointer

    /// Whether forward stops after the recurrent layers (no output layer, no targets).
    let statesOnly: Bool

    /// `splitThreshold`: the recurrence is split across cores when one step's recurrent
    /// product has at least this many multiply-adds. `statesOnly`: forward computes the
    /// hidden states alone, for probes that never read the distribution (at V = 226k the
    /// output layer is most of the cost and (T, V) floats of memory).
    public init(config: ModelConfig, maxSteps: Int, batch: Int, splitThreshold: Int = 1 << 20, statesOnly: Bool = false) {
        self.statesOnly = statesOnly
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
        masks = withDropout ? (0...L).map { FloatBuffer(count: $0 == 0 ? 0 : rows * H) } : []
        droppedDecoderInput = FloatBuffer(count: withDropout ? rows * H : 0)
        let tablePays = Self.tokenTablePays(vocabularySize: config.vocabularySize, rows: rows)
        let tableCount = tablePays ? config.vocabularySize * G : 0
        tokenTable = FloatBuffer(count: tableCount)
        dTokenTable = FloatBuffer(count: tableCount)
        let normalised = config.norm == .layer
        inputNorms = normalised ? (0..<L).map { _ in LayerNormCache(rows: rows, width: G) } : []
        hiddenNorms = normalised ? (0..<L).map { _ in LayerNormCache(rows: rows, width: G) } : []
        cellNorms = normalised && isLSTM ? (0..<L).map { _ in LayerNormCache(rows: rows, width: H) } : []
        tableNorm = LayerNormCache(rows: normalised && tablePays ? config.vocabularySize : 0, width: G)
        dHiddenProducts = FloatBuffer(count: normalised ? rows * G : 0)
        dCellNorms = FloatBuffer(count: normalised && isLSTM ? rows * H : 0)
        let adaptive = config.softmax == .adaptive
        probabilities = FloatBuffer(count: adaptive || statesOnly ? 0 : rows * config.vocabularySize)
        adaptiveSoftmax = adaptive ? AdaptiveSoftmax(config: config, rows: rows) : nil
        targetsCopy = Array(repeating: 0, count: rows)
        inputsCopy = Array(repeating: 0, count: rows)
        dGates = FloatBuffer(count: rows * G)
        dHiddenParts = FloatBuffer(count: isGRU ? rows * G : 0)
        dOutput = FloatBuffer(count: rows * H)
        dInput = FloatBuffer(count: rows * max(config.embed, H))
        dhNext = FloatBuffer(count: batch * H)
        dcNext = FloatBuffer(count: batch * H)
        packedForwardGateCount = recur_sgemm_packed_b_count(Int32(H), Int32(H))
        packedForward = (0..<L).map { _ in FloatBuffer(count: config.cell.gateCount * recur_sgemm_packed_b_count(Int32(H), Int32(H))) }
        packedBackward = (0..<L).map { _ in FloatBuffer(count: recur_sgemm_packed_b_count(Int32(G), Int32(H))) }
        // Splitting pays only when each slice keeps the kernels busy: at least 32 units
        // and, per step, enough multiply-adds (a million, ~10 µs) to dwarf waking a thread.
        let parts = batch * G * H >= splitThreshold ? min(Gemm.threadCount, max(H / 32, 1)) : 1
        let chunk = ((H + parts - 1) / parts + 15) / 16 * 16
        unitChunks = stride(from: 0, to: H, by: chunk).map { $0..<min($0 + chunk, H) }
        let rowChunk = (batch + unitChunks.count - 1) / unitChunks.count
        rowChunks = (0..<unitChunks.count).map { min($0 * rowChunk, batch)..<min(($0 + 1) * rowChunk, batch) }
        phaseCounters = recur_phases_create(Int32(2 * maxSteps))
    }

    deinit {
        recur_phases_destroy(phaseCounters)
        hiddenGradientSquares.deallocate()
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

    /// Gate activations of `layer` for the last forward chunk, (steps·B, G) rows: LSTM
    /// [i f g o], GRU [r z n]; nil for the vanilla RNN.
    public func layerGates(_ layer: Int) -> UnsafePointer<Float>? {
        gates.isEmpty ? nil : UnsafePointer(gates[layer].pointer)
    }

    /// LSTM cell states c_t of `layer` for the last forward chunk: (steps·B, H) rows.
    public func layerCells(_ layer: Int) -> UnsafePointer<Float>? {
        cells.isEmpty ? nil : UnsafePointer(cells[layer].pointer + batch * config.hidden)
    }

    // MARK: - Forward

    /// Runs `steps` ≤ T steps. `inputs` and `targets` are (steps, B) token ids, row-major
    /// (index t·B + b). Returns the summed cross-entropy in nats over the steps·B tokens;
    /// leaves probabilities in `probabilities` (the adaptive softmax: only without
    /// targets). Without `targets` only the state and the probabilities are computed. `random` draws dropout masks when `training`.
    @discardableResult
    public func forward(model: LanguageModel, inputs: UnsafeBufferPointer<Int32>,
                        targets: UnsafeBufferPointer<Int32>?, steps: Int,
                        training: Bool, random: inout RandomGenerator) -> Double {
        precondition(steps >= 1 && steps <= maxSteps, "chunk length \(steps) exceeds \(maxSteps)")
        precondition(inputs.count >= steps * batch)
        self.steps = steps
        let N = steps * batch, E = config.embed, H = config.hidden, V = config.vocabularySize
        let parameters = model.parameters.pointer
        packRecurrentWeights(model)
        usedDropout = training && config.dropout > 0
        let keep = 1 - config.dropout
        // Saliency needs ∂L/∂x of every row, so it embeds the rows themselves. Dropout
        // does not mask layer 0's input, so the table serves training with dropout too.
        usedTokenTable = !recordsInputGradients && Self.tokenTablePays(vocabularySize: V, rows: N)
        for row in 0..<N { inputsCopy[row] = inputs[row] }

        // Embedding: embedded[r] = encoder.weight[inputs[r]]
        let encoder = parameters + layout["encoder.weight"].offset
        if !usedTokenTable {
            for row in 0..<N {
                (embedded.pointer + row * E).update(from: encoder + Int(inputs[row]) * E, count: E)
            }
        }

        var layerInput = UnsafePointer(embedded.pointer)
        var inputWidth = E
        for layer in 0..<config.layers {
            if layer > 0 {
                let previous = outputs[layer - 1].pointer + batch * H
                if usedDropout {
                    applyNewMask(masks[layer], from: previous, to: droppedInputs[layer].pointer, count: N * H, keep: keep,
                                 random: &random)
                    layerInput = UnsafePointer(droppedInputs[layer].pointer)
                } else {
                    layerInput = UnsafePointer(previous)
                }
                inputWidth = H
            }
            forwardLayer(layer, input: layerInput, inputWidth: inputWidth, steps: steps, parameters: parameters)
        }

        if statesOnly {
            precondition(targets == nil, "a states-only graph has no output layer")
            return 0
        }
        // Decoder: logits (N, V) = y · decoder.weight^T + decoder.bias
        var decoderInput = UnsafePointer(outputs[config.layers - 1].pointer + batch * H)
        if usedDropout {
            applyNewMask(masks[config.layers], from: decoderInput, to: droppedDecoderInput.pointer, count: N * H, keep: keep,
                         random: &random)
            decoderInput = UnsafePointer(droppedDecoderInput.pointer)
        }
        if let adaptiveSoftmax {
            guard let targets else {
                if probabilities.count < N * V { probabilities = FloatBuffer(count: maxSteps * batch * V) }
                adaptiveSoftmax.distribution(input: decoderInput, rows: N, parameters: parameters, into: probabilities.pointer)
                return 0
            }
            for row in 0..<N { targetsCopy[row] = targets[row] }
            return adaptiveSoftmax.prepare(input: decoderInput, rows: N, targets: targets.baseAddress!, counted: 0..<N,
                                           parameters: parameters)
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
        let biasIH = parameters + layout["rnn.bias_ih_l\(layer)"].offset
        let biasHH = parameters + layout["rnn.bias_hh_l\(layer)"].offset
        let output = outputs[layer].pointer
        // All T input projections at once: (N, G) = x · W_ih^T + biases. For the RNN, rows
        // 1…T of `output` hold the pre-activations and become h_t in place. The GRU adds
        // b_hh inside r ⊙ (W_hn h + b_hn) instead.
        let inputPart = config.cell == .rnn ? output + B * H : gates[layer].pointer
        let biasHHInPart = config.cell == .gru ? nil : UnsafePointer(biasHH)
        if layer == 0 && usedTokenTable {
            projectTokens(steps: steps, parameters: parameters, biasHH: biasHHInPart, into: inputPart)
        } else {
            Gemm.multiply(transposeB: true, m: N, n: G, k: inputWidth, a: input, lda: inputWidth,
                          b: weightIH, ldb: inputWidth, beta: 0, c: inputPart, ldc: G)
            // With norm layer: LN(W_ih x) + b_ih (+ b_hh).
            if config.norm == .layer { inputNorms[layer].forward(inputPart, rows: N, norm: norm("ih", layer, parameters)) }
            addBias(biasIH, biasHHInPart, to: inputPart, rows: N, width: G)
        }
        if config.norm == .layer {
            forwardNormalisedSteps(layer, steps: steps, parameters: parameters)
            return
        }
        let packed = UnsafePointer(packedForward[layer].pointer)
        let panel = packedForwardGateCount
        runPhases(steps) { t, units in
            // The recurrent product for this slice of units of every gate, then the cell.
            let hPrevious = UnsafePointer(output + t * B * H), h = output + (t + 1) * B * H
            let width = Int32(units.count), offset = units.lowerBound
            switch self.config.cell {
            case .rnn:
                recur_sgemm_packed(0, Int32(B), width, Int32(H), hPrevious, Int32(H), packed + offset * H, 1, h + offset, Int32(H))
                CellKernels.rnnForward(self.config.activation, batch: B, hidden: H, units: units, preToHidden: h)
            case .lstm:
                let gate = self.gates[layer].pointer + t * B * G, cell = self.cells[layer].pointer
                for q in 0..<4 {
                    recur_sgemm_packed(0, Int32(B), width, Int32(H), hPrevious, Int32(H), packed + q * panel + offset * H,
                                       1, gate + q * H + offset, Int32(G))
                }
                CellKernels.lstmForward(batch: B, hidden: H, units: units, gates: gate, cPrev: cell + t * B * H,
                                        c: cell + (t + 1) * B * H, tanhC: self.tanhCells[layer].pointer + t * B * H, h: h)
            case .gru:
                let part = self.hiddenParts[layer].pointer + t * B * G
                for q in 0..<3 {
                    recur_sgemm_packed(0, Int32(B), width, Int32(H), hPrevious, Int32(H), packed + q * panel + offset * H,
                                       0, part + q * H + offset, Int32(G))
                    for row in 0..<B {
                        let line = part + row * G + q * H
                        for j in units { line[j] += biasHH[q * H + j] }
                    }
                }
                CellKernels.gruForward(batch: B, hidden: H, units: units, gates: self.gates[layer].pointer + t * B * G,
                                       hiddenPart: part, hPrev: hPrevious, h: h)
            }
        }
    }

    // MARK: - Layer-normalised steps

    /// The gain and bias of `layer`'s norm of `part` ("ih", "hh" or "c").
    private func norm(_ part: String, _ layer: Int, _ parameters: UnsafeMutablePointer<Float>) -> LayerNormParameters {
        LayerNormParameters(gain: parameters + layout["rnn.layer_norm_\(part)_l\(layer).weight"].offset,
                            bias: parameters + layout["rnn.layer_norm_\(part)_l\(layer).bias"].offset)
    }

    /// Where the gradients of `norm(part, layer, _)` accumulate.
    private func normGradients(_ part: String, _ layer: Int, _ gradients: UnsafeMutablePointer<Float>) -> LayerNormGradients {
        LayerNormGradients(gain: gradients + layout["rnn.layer_norm_\(part)_l\(layer).weight"].offset,
                           bias: gradients + layout["rnn.layer_norm_\(part)_l\(layer).bias"].offset)
    }

    /// Runs `body(rows)` for every slice of `rowChunks`, on all cores when the
    /// recurrence is split. Streams are independent through the recurrence, so a slice
    /// of rows runs all its steps with no barrier between threads.
    private func forEachRowChunk(_ body: (Range<Int>) -> Void) {
        guard rowChunks.count > 1 else {
            body(0..<batch)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable((body: body, chunks: rowChunks))
            DispatchQueue.concurrentPerform(iterations: rowChunks.count) { chunk in
                let rows = shared.value.chunks[chunk]
                if !rows.isEmpty { shared.value.body(rows) }
            }
        }
    }

    /// The recurrence of a layer-normalised cell; the input part (LN(W_ih x) + biases)
    /// is in place. A row's norm spans all its units, so threads take slices of rows
    /// (streams) rather than of units, and each runs its rows through every step: W_hh
    /// h_{t−1} for every gate (into the hidden norm's cache), pre = input part +
    /// LN(W_hh h_{t−1}) (+ b_hh inside the GRU's r ⊙ …), then the cell; the LSTM
    /// normalises c before its tanh and carries c unnormalised.
    private func forwardNormalisedSteps(_ layer: Int, steps: Int, parameters: UnsafeMutablePointer<Float>) {
        let B = batch, H = config.hidden, G = config.gateWidth
        let output = outputs[layer].pointer
        let packed = UnsafePointer(packedForward[layer].pointer), panel = packedForwardGateCount
        let hiddenNorm = norm("hh", layer, parameters)
        let biasHH = UnsafePointer(parameters + layout["rnn.bias_hh_l\(layer)"].offset)
        let products = hiddenNorms[layer].normalised.pointer, deviations = hiddenNorms[layer].inverseDeviations.pointer
        let epsilon = NormKind.epsilon
        forEachRowChunk { rows in
            let count = Int32(rows.count)
            for t in 0..<steps {
                let first = t * B + rows.lowerBound
                let hPrevious = UnsafePointer(output + first * H), h = output + (first + B) * H
                let product = products + first * G
                for q in 0..<self.config.cell.gateCount {
                    recur_sgemm_packed(0, count, Int32(H), Int32(H), hPrevious, Int32(H), packed + q * panel, 0,
                                       product + q * H, Int32(G))
                }
                switch self.config.cell {
                case .rnn:
                    // h = f(LN(W_ih x) + b_ih + b_hh + LN(W_hh h_{t−1}))
                    recur_layer_norm_forward(count, Int32(G), epsilon, product, hiddenNorm.gain, hiddenNorm.bias, product,
                                             deviations + first, h, 1)
                    CellKernels.rnnForward(self.config.activation, batch: rows.count, hidden: H, units: 0..<H, preToHidden: h)
                case .lstm:
                    let gate = self.gates[layer].pointer + first * G, cell = self.cells[layer].pointer
                    let cellNorm = self.norm("c", layer, parameters), tanhC = self.tanhCells[layer].pointer + first * H
                    recur_layer_norm_forward(count, Int32(G), epsilon, product, hiddenNorm.gain, hiddenNorm.bias, product,
                                             deviations + first, gate, 1)
                    // c = f ⊙ c_prev + i ⊙ g (its tanh and h are replaced next), then
                    // h = o ⊙ tanh(LN(c)).
                    CellKernels.lstmForward(batch: rows.count, hidden: H, units: 0..<H, gates: gate, cPrev: cell + first * H,
                                            c: cell + (first + B) * H, tanhC: tanhC, h: h)
                    recur_lstm_norm_output(count, Int32(H), epsilon, gate, cell + (first + B) * H, cellNorm.gain, cellNorm.bias,
                                           self.cellNorms[layer].normalised.pointer + first * H,
                                           self.cellNorms[layer].inverseDeviations.pointer + first, tanhC, h)
                case .gru:
                    // hiddenPart = LN(W_hh h_{t−1}) + b_hh, which the GRU kernel reads as W_hh h + b_hh.
                    let part = self.hiddenParts[layer].pointer + first * G
                    recur_layer_norm_forward(count, Int32(G), epsilon, product, hiddenNorm.gain, hiddenNorm.bias, product,
                                             deviations + first, part, 0)
                    recur_add_rows(count, Int32(G), biasHH, nil, part)
                    CellKernels.gruForward(batch: rows.count, hidden: H, units: 0..<H, gates: self.gates[layer].pointer + first * G,
                                           hiddenPart: part, hPrev: hPrevious, h: h)
                }
            }
        }
    }

    /// The backward of `forwardNormalisedSteps`, each slice of rows through every step,
    /// last step first: the cell's backward to dPre (and, for the GRU, dHiddenPart), then
    /// through the hidden norm to dL/d(W_hh h_{t−1}) in `dHiddenProducts`, then dh_{t−1}
    /// from it. Leaves dL/d(the cell norm's output) in `dCellNorms` for the LSTM.
    private func backwardNormalisedSteps(_ layer: Int, parameters: UnsafeMutablePointer<Float>) {
        let B = batch, H = config.hidden, G = config.gateWidth, steps = steps
        let output = outputs[layer].pointer
        let packed = UnsafePointer(packedBackward[layer].pointer)
        let dOut = dOutput.pointer, dPre = dGates.pointer, dh = dhNext.pointer, dProducts = dHiddenProducts.pointer
        let hiddenNorm = norm("hh", layer, parameters)
        let products = UnsafePointer(hiddenNorms[layer].normalised.pointer)
        let deviations = UnsafePointer(hiddenNorms[layer].inverseDeviations.pointer)
        let squaresBuffer = hiddenGradientSquares
        forEachRowChunk { rows in
            let count = Int32(rows.count)
            let chunk = self.rowChunks.firstIndex(of: rows)!
            let dhRows = dh + rows.lowerBound * H
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let first = t * B + rows.lowerBound
                let dhT = dOut + first * H, dPreT = dPre + first * G
                recur_add(count * Int32(H), dhRows, dhT)
                if self.recordsHiddenGradients {
                    // Each slice writes its own entry, so no two threads share one.
                    squaresBuffer[(layer * steps + t) * self.unitChunks.count + chunk] = recur_sum_squares(count * Int32(H), dhT)
                }
                // The gradient of LN(W_hh h_{t−1})'s output: dPre, or the GRU's dHiddenPart.
                var dNormOutput = UnsafePointer(dPreT)
                switch self.config.cell {
                case .rnn:
                    CellKernels.rnnBackward(self.config.activation, batch: rows.count, hidden: H, units: 0..<H,
                                            hidden: output + (first + B) * H, dHidden: dhT, dPre: dPreT)
                case .lstm:
                    recur_lstm_norm_backward(count, Int32(H), self.gates[layer].pointer + first * G, self.cells[layer].pointer + first * H,
                                             self.tanhCells[layer].pointer + first * H, self.cellNorms[layer].normalised.pointer + first * H,
                                             self.cellNorms[layer].inverseDeviations.pointer + first, self.norm("c", layer, parameters).gain,
                                             dhT, self.dcNext.pointer + rows.lowerBound * H, self.dCellNorms.pointer + first * H, dPreT)
                case .gru:
                    let dHiddenPart = self.dHiddenParts.pointer + first * G
                    CellKernels.gruBackward(batch: rows.count, hidden: H, units: 0..<H, gates: self.gates[layer].pointer + first * G,
                                            hiddenPart: self.hiddenParts[layer].pointer + first * G, hPrev: output + first * H,
                                            dh: dhT, dInputPart: dPreT, dHiddenPart: dHiddenPart, dhPrevDirect: dhRows)
                    dNormOutput = UnsafePointer(dHiddenPart)
                }
                recur_layer_norm_backward(count, Int32(G), dNormOutput, products + first * G, deviations + first,
                                          hiddenNorm.gain, dProducts + first * G)
                // W_hh h_{t−1} feeds the hidden norm: dh_{t−1} (+)= dProduct_t · W_hh (none
                // flows into the carried state at t = 0).
                if t > 0 {
                    recur_sgemm_packed(0, count, Int32(H), Int32(G), dProducts + first * G, Int32(G), packed,
                                       self.config.cell == .gru ? 1 : 0, dhRows, Int32(H))
                }
            }
        }
    }

    // MARK: - Layer 0 through a token table

    /// Layer 0 reads x_r = encoder.weight[token_r], so its input projection
    /// W_ih x_r + b takes only V distinct values. Computing them once as a (V, G) table
    /// replaces the (N, E)×(E, G) product with a (V, E)×(E, G) one, and in backward two
    /// more N-sized products with V-sized ones; copying and summing rows costs N·G, so
    /// the table pays when V is well below N (for config a, V = 65 and N = 2048).
    static func tokenTablePays(vocabularySize: Int, rows: Int) -> Bool { vocabularySize * 4 <= rows }

    /// inputPart (N, G) = T[inputs], with T (V, G) = encoder.weight · W_ih^T + b_ih (+ b_hh),
    /// or LN(encoder.weight · W_ih^T) + b_ih (+ b_hh) with norm layer.
    private func projectTokens(steps: Int, parameters: UnsafeMutablePointer<Float>,
                               biasHH: UnsafePointer<Float>?, into inputPart: UnsafeMutablePointer<Float>) {
        let N = steps * batch, E = config.embed, G = config.gateWidth, V = config.vocabularySize
        let table = tokenTable.pointer
        Gemm.multiply(transposeB: true, m: V, n: G, k: E, a: parameters + layout["encoder.weight"].offset, lda: E,
                      b: parameters + layout["rnn.weight_ih_l0"].offset, ldb: E, beta: 0, c: table, ldc: G)
        // A row's norm depends on that row alone, so LN(W_ih x) tables as W_ih x does.
        if config.norm == .layer { tableNorm.forward(table, rows: V, norm: norm("ih", 0, parameters)) }
        addBias(parameters + layout["rnn.bias_ih_l0"].offset, biasHH, to: table, rows: V, width: G)
        let tokens = inputsCopy
        parallelRows(N, width: G) { _, rows in
            for row in rows {
                (inputPart + row * G).update(from: table + Int(tokens[row]) * G, count: G)
            }
        }
    }

    /// The backward of `projectTokens` for dPre (N, G) = dL/d(layer 0's input part):
    /// accumulates into the gradients of W_ih, b_ih and encoder.weight.
    private func backwardTokenTable(dPre: UnsafePointer<Float>, parameters: UnsafeMutablePointer<Float>,
                                    gradients: UnsafeMutablePointer<Float>) {
        let N = steps * batch, E = config.embed, G = config.gateWidth, V = config.vocabularySize
        let dTable = dTokenTable.pointer
        // inputPart[r] = T[token_r]  ⇒  dT[v] = Σ over rows r with token_r = v of dPre[r]
        dTokenTable.zero()
        for row in 0..<N {
            recur_add(Int32(G), dPre + row * G, dTable + Int(inputsCopy[row]) * G)
        }
        // T = encoder.weight · W_ih^T + b_ih (+ b_hh, whose gradient dPre's column sums give)
        let encoder = parameters + layout["encoder.weight"].offset
        let weightIH = parameters + layout["rnn.weight_ih_l0"].offset
        addColumnSums(of: dTable, rows: V, width: G, to: gradients + layout["rnn.bias_ih_l0"].offset)
        // With norm layer, T = LN(encoder.weight · W_ih^T) + b_ih (+ b_hh).
        if config.norm == .layer {
            tableNorm.backward(dTable, rows: V, norm: norm("ih", 0, parameters), gradients: normGradients("ih", 0, gradients))
        }
        Gemm.multiply(transposeA: true, m: G, n: E, k: V, a: dTable, lda: G, b: encoder, ldb: E,
                      beta: 1, c: gradients + layout["rnn.weight_ih_l0"].offset, ldc: E)
        Gemm.multiply(m: V, n: E, k: G, a: dTable, lda: G, b: weightIH, ldb: E,
                      beta: 1, c: gradients + layout["encoder.weight"].offset, ldc: E)
    }

    /// Runs `work(step, units)` for every step in order, each step's units split into
    /// chunks that all cores share; step t+1 starts only when step t is complete.
    private func runPhases(_ phases: Int, _ work: (Int, Range<Int>) -> Void) {
        let chunks = unitChunks.count
        if chunks == 1 {
            for phase in 0..<phases { work(phase, unitChunks[0]) }
            return
        }
        recur_phases_reset(phaseCounters, Int32(phases))
        withoutActuallyEscaping(work) { work in
            let shared = UncheckedSendable((work: work, counters: phaseCounters, units: unitChunks))
            DispatchQueue.concurrentPerform(iterations: chunks) { _ in
                let (work, counters, units) = shared.value
                for phase in 0..<phases {
                    while true {
                        let chunk = Int(recur_phase_claim(counters, Int32(phase), Int32(chunks)))
                        if chunk < 0 { break }
                        work(phase, units[chunk])
                        recur_phase_finish(counters, Int32(phase))
                    }
                    recur_phase_wait(counters, Int32(phase), Int32(chunks))
                }
            }
        }
    }

    /// Re-packs the recurrent weights when they changed since the last pack.
    private func packRecurrentWeights(_ model: LanguageModel) {
        let key = (ObjectIdentifier(model), model.version)
        if let packedKey, packedKey == key { return }
        packedKey = key
        let H = config.hidden, G = config.gateWidth
        for layer in 0..<config.layers {
            let weightHH = UnsafePointer(model.tensor("rnn.weight_hh_l\(layer)"))
            // Forward: each gate's (H, H) block as B = W^T (K = H, N = H), packed apart so
            // that a unit slice of any gate starts on a panel boundary.
            for q in 0..<config.cell.gateCount {
                recur_sgemm_pack_b(1, Int32(H), Int32(H), weightHH + q * H * H, Int32(H),
                                   packedForward[layer].pointer + q * packedForwardGateCount)
            }
            // Backward: dh_{t-1} = dPre_t · W_hh, B = W_hh as stored (K = G, N = H).
            recur_sgemm_pack_b(0, Int32(G), Int32(H), weightHH, Int32(H), packedBackward[layer].pointer)
        }
    }

    // MARK: - Backward

    /// With `recordsHiddenGradients`, `backward` stores ‖∂L/∂h_t‖ for every layer and step.
    public var recordsHiddenGradients = false
    /// (layer, step, slice) squared norms of ∂L/∂h_t, filled by `backward` when recording;
    /// raw memory because slices on different threads write their own entries at once.
    private var hiddenGradientSquares = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)

    /// ‖∂L/∂h_t‖ (over the whole B × H block) of `layer` for every step of the last
    /// backward, when `recordsHiddenGradients` was set.
    public func hiddenGradientNorms(layer: Int) -> [Double] {
        let chunks = unitChunks.count
        return (0..<steps).map { t in
            (0..<chunks).reduce(0.0) { $0 + hiddenGradientSquares[(layer * steps + t) * chunks + $1] }.squareRoot()
        }
    }

    /// With `recordsInputGradients`, forward embeds every row (no token table), so that
    /// backward leaves ∂L/∂x_r for `inputGradientNorms`.
    public var recordsInputGradients = false

    /// ‖∂L/∂x_r‖ for every row r = t·B + b of the last backward, where x_r is the
    /// embedding vector that row read: the saliency of each input token.
    /// Needs `recordsInputGradients` set before the forward.
    public func inputGradientNorms() -> [Double] {
        precondition(recordsInputGradients, "set recordsInputGradients before forward")
        let E = config.embed
        return (0..<steps * batch).map { row in
            Double(recur_sum_squares(Int32(E), dInput.pointer + row * E)).squareRoot()
        }
    }

    /// Sets the target of `row` of the last forward chunk, for a loss chosen after seeing
    /// its probabilities (saliency explains the most probable token).
    func setTarget(_ target: Int32, row: Int) {
        targetsCopy[row] = target
        adaptiveSoftmax?.invalidate()
    }

    /// Adds the gradient of the mean cross-entropy of the last forward chunk to
    /// `gradients` (same layout as the parameters). Destroys `probabilities`. With
    /// `lastStepOnly` the loss is the last step's alone, L_T (for gradient-flow plots).
    public func backward(model: LanguageModel, gradients: UnsafeMutablePointer<Float>, lastStepOnly: Bool = false) {
        let N = steps * batch, E = config.embed, H = config.hidden
        let parameters = model.parameters.pointer
        if recordsHiddenGradients {
            hiddenGradientSquares.deallocate()
            hiddenGradientSquares = .allocate(capacity: config.layers * steps * unitChunks.count)
            hiddenGradientSquares.initialize(repeating: 0)
        }

        let scale = 1 / Float(lastStepOnly ? batch : N)
        let firstCounted = lastStepOnly ? N - batch : 0
        let decoderInput = usedDropout ? UnsafePointer(droppedDecoderInput.pointer)
                                       : UnsafePointer(outputs[config.layers - 1].pointer + batch * H)
        if let adaptiveSoftmax {
            backwardAdaptive(adaptiveSoftmax, input: decoderInput, counted: firstCounted..<N, scale: scale,
                             parameters: parameters, gradients: gradients)
        } else {
            backwardDecoder(input: decoderInput, firstCounted: firstCounted, scale: scale, parameters: parameters, gradients: gradients)
        }
        // droppedDecoderInput = h_{L−1} ⊙ mask
        if usedDropout { recur_multiply(Int32(N * H), masks[config.layers].pointer, dOutput.pointer) }

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
            if layer > 0 {
                // droppedInputs[layer] = h_{layer−1} ⊙ mask
                if usedDropout { recur_multiply(Int32(N * H), masks[layer].pointer, dInput.pointer) }
                dOutput.pointer.update(from: dInput.pointer, count: N * H)
            }
        }

        // embedded[r] = encoder.weight[inputs[r]]; the token table's backward has added
        // this already.
        guard !usedTokenTable else { return }
        let encoderGradient = gradients + layout["encoder.weight"].offset
        for row in 0..<N {
            let target = encoderGradient + Int(inputsCopy[row]) * E
            let source = dInput.pointer + row * E
            for j in 0..<E { target[j] += source[j] }
        }
    }

    /// The full softmax's backward: from `probabilities` and the targets to the decoder's
    /// gradients and dOutput (N, H). Rows before `firstCounted` carry no loss.
    private func backwardDecoder(input decoderInput: UnsafePointer<Float>, firstCounted: Int, scale: Float,
                                 parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let N = steps * batch, H = config.hidden, V = config.vocabularySize
        // loss = −(1/N) Σ log p[target]  ⇒  dlogits = (p − onehot) / N
        let dLogits = probabilities.pointer
        parallelRows(N, width: V) { _, rows in
            for row in rows {
                let line = dLogits + row * V
                guard row >= firstCounted else {
                    line.update(repeating: 0, count: V)
                    continue
                }
                recur_scale(Int32(V), scale, line)
                line[Int(self.targetsCopy[row])] -= scale
            }
        }
        // logits = y · W^T + b
        Gemm.multiply(transposeA: true, m: V, n: H, k: N, a: dLogits, lda: V, b: decoderInput, ldb: H,
                      beta: 1, c: gradients + layout["decoder.weight"].offset, ldc: H)
        addColumnSums(of: dLogits, rows: N, width: V, to: gradients + layout["decoder.bias"].offset)
        Gemm.multiply(m: N, n: H, k: V, a: dLogits, lda: V, b: parameters + layout["decoder.weight"].offset,
                      ldb: H, beta: 0, c: dOutput.pointer, ldc: H)
    }

    /// The adaptive softmax's backward into dOutput (N, H). Its loss forward runs again
    /// first when the forward had no targets or the counted rows or a target changed
    /// since (saliency chooses its target after seeing the distribution).
    private func backwardAdaptive(_ adaptive: AdaptiveSoftmax, input: UnsafePointer<Float>, counted: Range<Int>, scale: Float,
                                  parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let N = steps * batch
        targetsCopy.withUnsafeBufferPointer { targets in
            let targets = targets.baseAddress!
            if adaptive.preparedRows != counted {
                adaptive.prepare(input: input, rows: N, targets: targets, counted: counted, parameters: parameters)
            }
            adaptive.backward(input: input, rows: N, targets: targets, scale: scale, parameters: parameters,
                              gradients: gradients, dInput: dOutput.pointer)
        }
    }

    /// Consumes dOutput (N, H) = dL/dh_t from above; leaves dL/d(layer input) in dInput.
    private func backwardLayer(_ layer: Int, input: UnsafePointer<Float>, inputWidth: Int,
                               parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let B = batch, H = config.hidden, G = config.gateWidth, N = steps * B
        let weightIH = parameters + layout["rnn.weight_ih_l\(layer)"].offset
        let output = outputs[layer].pointer
        let dOut = dOutput.pointer, dPre = dGates.pointer
        dhNext.zero()
        dcNext.zero()
        // For the RNN and LSTM the same pre-activation feeds both products; the GRU's
        // hidden product has its own gradient because r multiplies W_hn h + b_hn.
        let dHidden = config.cell == .gru ? dHiddenParts.pointer : dPre
        let packed = UnsafePointer(packedBackward[layer].pointer)
        let dh = dhNext.pointer
        let squaresBuffer = hiddenGradientSquares

        if config.norm == .layer {
            backwardNormalisedSteps(layer, parameters: parameters)
        } else {
            // Two phases per step, last step first: the cell's backward for a slice of units,
            // then dh_{t−1} = dPre_t · W_hh for a slice of output columns (not needed at t = 0:
            // no gradient flows into the carried state).
            runPhases(2 * steps) { phase, units in
                let t = self.steps - 1 - phase / 2
                if phase % 2 == 0 {
                    let dhT = dOut + t * B * H
                    var squares = 0.0
                    for row in 0..<B {
                        let offset = row * H + units.lowerBound
                        recur_add(Int32(units.count), dh + offset, dhT + offset)
                        if self.recordsHiddenGradients { squares += recur_sum_squares(Int32(units.count), dhT + offset) }
                    }
                    if self.recordsHiddenGradients {
                        // Each slice writes its own entry, so no two threads share one.
                        let slice = self.unitChunks.firstIndex(of: units)!
                        squaresBuffer[(layer * self.steps + t) * self.unitChunks.count + slice] = squares
                    }
                    let dPreT = dPre + t * B * G
                    switch self.config.cell {
                    case .rnn:
                        CellKernels.rnnBackward(self.config.activation, batch: B, hidden: H, units: units,
                                                hidden: output + (t + 1) * B * H, dHidden: dhT, dPre: dPreT)
                    case .lstm:
                        CellKernels.lstmBackward(batch: B, hidden: H, units: units, gates: self.gates[layer].pointer + t * B * G,
                                                 cPrev: self.cells[layer].pointer + t * B * H,
                                                 tanhC: self.tanhCells[layer].pointer + t * B * H,
                                                 dh: dhT, dc: self.dcNext.pointer, dPre: dPreT)
                    case .gru:
                        CellKernels.gruBackward(batch: B, hidden: H, units: units, gates: self.gates[layer].pointer + t * B * G,
                                                hiddenPart: self.hiddenParts[layer].pointer + t * B * G,
                                                hPrev: output + t * B * H, dh: dhT, dInputPart: dPreT,
                                                dHiddenPart: dHidden + t * B * G, dhPrevDirect: dh)
                    }
                } else if t > 0 {
                    let beta: Float = self.config.cell == .gru ? 1 : 0
                    recur_sgemm_packed(0, Int32(B), Int32(units.count), Int32(G), dHidden + t * B * G, Int32(G),
                                       packed + units.lowerBound * G, beta, dh + units.lowerBound, Int32(H))
                }
            }
        }

        // pre_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh, summed over all steps at once; with
        // norm layer, pre_t = LN(W_ih x_t) + b_ih + LN(W_hh h_{t−1}) + b_hh (the GRU's n:
        // r ⊙ (LN(W_hh h)_n + b_hn)), and W_hh's gradient comes through the norm.
        let dHiddenProduct = config.norm == .layer ? UnsafePointer(dHiddenProducts.pointer) : UnsafePointer(dHidden)
        Gemm.multiply(transposeA: true, m: G, n: H, k: N, a: dHiddenProduct, lda: G, b: output, ldb: H,
                      beta: 1, c: gradients + layout["rnn.weight_hh_l\(layer)"].offset, ldc: H)
        addColumnSums(of: dHidden, rows: N, width: G, to: gradients + layout["rnn.bias_hh_l\(layer)"].offset)
        if config.norm == .layer {
            hiddenNorms[layer].addParameterGradients(dHidden, rows: N, to: normGradients("hh", layer, gradients))
            if config.cell == .lstm {
                cellNorms[layer].addParameterGradients(dCellNorms.pointer, rows: N, to: normGradients("c", layer, gradients))
            }
        }
        if layer == 0 && usedTokenTable {
            backwardTokenTable(dPre: dPre, parameters: parameters, gradients: gradients)
            return
        }
        addColumnSums(of: dPre, rows: N, width: G, to: gradients + layout["rnn.bias_ih_l\(layer)"].offset)
        if config.norm == .layer {
            inputNorms[layer].backward(dPre, rows: N, norm: norm("ih", layer, parameters), gradients: normGradients("ih", layer, gradients))
        }
        Gemm.multiply(transposeA: true, m: G, n: inputWidth, k: N, a: dPre, lda: G, b: input, ldb: inputWidth,
                      beta: 1, c: gradients + layout["rnn.weight_ih_l\(layer)"].offset, ldc: inputWidth)
        Gemm.multiply(m: N, n: inputWidth, k: G, a: dPre, lda: G, b: weightIH, ldb: inputWidth,
                      beta: 0, c: dInput.pointer, ldc: inputWidth)
    }

    // MARK: - Helpers

    /// destination = source ⊙ mask with a new mask of 0 and 1/keep, in one pass. The
    /// generator gives one 64-bit key per mask; the kernel hashes (key, index) per element,
    /// so the mask is a function of the generator's state, as a resume needs.
    private func applyNewMask(_ mask: FloatBuffer, from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>,
                              count: Int, keep: Float, random: inout RandomGenerator) {
        recur_dropout_forward(Int32(count), keep, random.next(), source, mask.pointer, destination)
    }

    /// The dropout mask of `site` drawn by the last training forward, (steps·B, H): site l
    /// in 1..<L masks layer l's input, site L the decoder's. For tests.
    func dropoutMask(site: Int) -> UnsafePointer<Float> {
        precondition(usedDropout && site >= 1 && site <= config.layers, "no dropout mask at site \(site)")
        return UnsafePointer(masks[site].pointer)
    }
}

/// Hands a non-Sendable value to concurrentPerform's workers; callers make sure that no
/// two threads touch the same memory at once (disjoint ranges, or the phase counters).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

// MARK: - Row operations shared with sampling

/// Adds a (width) bias — or the sum of two — to every row of a (rows, width) matrix,
/// blocks of rows on all cores for large matrices (each element is its own sum, so the
/// split changes no bits).
func addBias(_ bias: UnsafePointer<Float>, _ second: UnsafePointer<Float>? = nil,
             to matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    parallelRows(rows, width: width) { _, range in
        recur_add_rows(Int32(range.count), Int32(width), bias, second, matrix + range.lowerBound * width)
    }
}

/// sums[j] += Σ_rows matrix[row, j], blocks of columns on all cores for large matrices:
/// every column is still totalled by one thread in the same order, so the split changes
/// no bits. (With addBias's split: 1-1.5% faster training on `recur bench` a, b, d, e,
/// where these ran on one core while the other waited.)
func addColumnSums(of matrix: UnsafePointer<Float>, rows: Int, width: Int, to sums: UnsafeMutablePointer<Float>) {
    let parts = rows * width >= 1 << 18 ? min(Gemm.threadCount, max(width / 64, 1)) : 1
    guard parts > 1 else {
        recur_column_sums(Int32(rows), Int32(width), matrix, Int32(width), sums)
        return
    }
    // Blocks a multiple of 16 columns, so they start on whole vectors.
    let chunk = ((width + parts - 1) / parts + 15) / 16 * 16
    let shared = UncheckedSendable((matrix, sums))
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let (matrix, sums) = shared.value
        let start = part * chunk
        guard start < width else { return }
        recur_column_sums(Int32(rows), Int32(min(chunk, width - start)), matrix + start, Int32(width), sums + start)
    }
}

/// Numerically stable softmax of every row, in place (rows shared by all cores for
/// large vocabularies).
func softmaxRows(_ matrix: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    parallelRows(rows, width: width) { _, range in
        recur_softmax_rows(Int32(range.count), Int32(width), matrix + range.lowerBound * width)
    }
}

/// Runs `body(part, rows)` over contiguous blocks of `rows`, on all cores when the
/// matrix has at least 2^18 elements (below that, waking a thread costs more).
func parallelRows(_ rows: Int, width: Int, _ body: (Int, Range<Int>) -> Void) {
    let parts = rows * width >= 1 << 18 ? min(Gemm.threadCount, rows) : 1
    guard parts > 1 else {
        body(0, 0..<rows)
        return
    }
    let chunk = (rows + parts - 1) / parts
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = part * chunk
            if start < rows { shared.value(part, start..<min(start + chunk, rows)) }
        }
    }
}
