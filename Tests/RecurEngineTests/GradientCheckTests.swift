// Finite-difference checks of every layer's backward: the engine's Float gradients
// against central differences of the independent Double reference model, on every
// kernel path the CPU has (KernelPaths).
import XCTest
@testable import RecurEngine

final class GradientCheckTests: XCTestCase {
    struct Case {
        let cell: CellKind
        let activation: Activation
        let layers: Int
        var tied = false
        /// Whether the chunk has enough rows for layer 0's token table: 20 rows of 5
        /// tokens take it, 8 rows do not.
        var tokenTable = false
        /// Embeds every row even where the token table would pay (as saliency does).
        var recordsInputGradients = false
        /// The adaptive softmax over 9 tokens: shortlist 0…2, clusters 3…5 and 6…8.
        var adaptive = false
        /// Layer-normalised cells (--norm layer).
        var norm = NormKind.none
        /// A training forward with dropout 0.5; the reference applies the engine's masks.
        var dropout = false
    }

    /// The adaptive softmax every adaptive case uses: two clusters, projections 2 and 1 wide.
    static func adaptiveConfig(_ config: ModelConfig) -> ModelConfig {
        var config = config
        config.vocabularySize = 9
        config.softmax = .adaptive
        config.cutoffs = [3, 6]
        config.divValue = 2
        return config
    }

    /// A tiny model, a random chunk, and the engine's gradient of its mean loss.
    func check(_ testCase: Case, file: StaticString = #filePath, line: UInt = #line) {
        KernelPaths.forEach { path in
            var config = ModelConfig(cell: testCase.cell, activation: testCase.activation, vocabularySize: 5,
                                     embed: testCase.tied ? 4 : 3, hidden: 4, layers: testCase.layers, tieWeights: testCase.tied)
            if testCase.adaptive { config = Self.adaptiveConfig(config) }
            config.norm = testCase.norm
            if testCase.dropout { config.dropout = 0.5 }
            let V = UInt64(config.vocabularySize)
            var random = RandomGenerator(seed: 42)
            let model = LanguageModel(config: config, random: &random)
            // Larger weights than the default init make saturation and gate effects visible.
            for index in 0..<model.parameterCount { model.parameters[index] *= 2 }
            Self.perturbNorms(model, random: &random)
            let T = testCase.tokenTable ? 5 : 4, B = testCase.tokenTable ? 4 : 2
            let inputs = (0..<T).map { _ in (0..<B).map { _ in Int(random.next() % V) } }
            let targets = (0..<T).map { _ in (0..<B).map { _ in Int(random.next() % V) } }
            let flatInputs = inputs.flatMap { $0.map(Int32.init) }, flatTargets = targets.flatMap { $0.map(Int32.init) }

            let graph = TrainingGraph(config: config, maxSteps: T, batch: B)
            graph.recordsInputGradients = testCase.recordsInputGradients
            let gradients = FloatBuffer(count: model.parameterCount)
            let summed = flatInputs.withUnsafeBufferPointer { i in
                flatTargets.withUnsafeBufferPointer { t in
                    graph.forward(model: model, inputs: i, targets: t, steps: T, training: testCase.dropout, random: &random)
                }
            }
            var reference = ReferenceModel(model: model)
            if testCase.dropout {
                for site in 1...config.layers {
                    let mask = graph.dropoutMask(site: site)
                    reference.dropoutMasks[site] = (0..<T * B * config.hidden).map { Double(mask[$0]) }
                }
                let dropped = reference.dropoutMasks.values.joined().filter { $0 == 0 }.count
                XCTAssertGreaterThan(dropped, 0, "\(path): dropout 0.5 dropped nothing", file: file, line: line)
            }
            graph.backward(model: model, gradients: gradients.pointer)
            XCTAssertEqual(graph.usedTokenTable, testCase.tokenTable && !testCase.recordsInputGradients && !testCase.adaptive,
                           "\(path): layer 0 took the other input path", file: file, line: line)

            XCTAssertEqual(summed / Double(T * B), reference.loss(inputs: inputs, targets: targets).loss,
                           accuracy: 1e-5, "\(path): forward loss differs from the reference", file: file, line: line)
            var worst = (difference: 0.0, name: "", index: 0, analytic: 0.0, numeric: 0.0)
            // A tied tensor is one parameter with two uses: perturbing it moves both.
            for slot in model.layout.slots where slot.aliasOf == nil {
                let shared = model.layout.slots.filter { $0.aliasOf == slot.name }.map(\.name)
                for index in 0..<slot.count {
                    let numeric = reference.numericGradient(slot.name, index, inputs: inputs, targets: targets, alsoIn: shared)
                    let analytic = Double(gradients[slot.offset + index])
                    let difference = abs(analytic - numeric) / (1e-3 + abs(numeric))
                    if difference > worst.difference { worst = (difference, slot.name, index, analytic, numeric) }
                }
            }
            XCTAssertLessThan(worst.difference, 2e-3,
                              "\(path): largest gradient error in \(worst.name)[\(worst.index)]: analytic \(worst.analytic), numeric \(worst.numeric)",
                              file: file, line: line)
        }
    }

    /// Gains away from 1 and biases away from 0 (where they start), so that a gradient
    /// that ignored either would show.
    static func perturbNorms(_ model: LanguageModel, random: inout RandomGenerator) {
        for slot in model.layout.slots where slot.name.hasPrefix("rnn.layer_norm_") {
            for index in 0..<slot.count { model.parameters[slot.offset + index] += (random.nextUnitFloat() - 0.5) * 0.8 }
        }
    }

    // Layer-normalised cells: LN(W_ih x) + b_ih + LN(W_hh h) + b_hh, and the LSTM's LN(c).
    func testLayerNormRNN() { check(Case(cell: .rnn, activation: .tanh, layers: 1, norm: .layer)) }
    func testLayerNormRNNReLUTwoLayers() { check(Case(cell: .rnn, activation: .relu, layers: 2, norm: .layer)) }
    func testLayerNormLSTM() { check(Case(cell: .lstm, activation: .tanh, layers: 1, norm: .layer)) }
    func testLayerNormLSTMTwoLayers() { check(Case(cell: .lstm, activation: .tanh, layers: 2, norm: .layer)) }
    func testLayerNormGRU() { check(Case(cell: .gru, activation: .tanh, layers: 1, norm: .layer)) }
    func testLayerNormGRUTwoLayers() { check(Case(cell: .gru, activation: .tanh, layers: 2, norm: .layer)) }
    func testLayerNormRNNTokenTable() { check(Case(cell: .rnn, activation: .sigmoid, layers: 1, tokenTable: true, norm: .layer)) }
    func testLayerNormLSTMTwoLayersTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tokenTable: true, norm: .layer)) }
    func testLayerNormGRUTokenTable() { check(Case(cell: .gru, activation: .tanh, layers: 2, tokenTable: true, norm: .layer)) }
    func testLayerNormTiedLSTM() { check(Case(cell: .lstm, activation: .tanh, layers: 1, tied: true, norm: .layer)) }
    func testLayerNormLSTMEveryRowEmbeddedWhereTheTableWouldPay() {
        check(Case(cell: .lstm, activation: .tanh, layers: 1, tokenTable: true, recordsInputGradients: true, norm: .layer))
    }

    func testRNNTanh() { check(Case(cell: .rnn, activation: .tanh, layers: 1)) }
    func testRNNSigmoid() { check(Case(cell: .rnn, activation: .sigmoid, layers: 1)) }
    func testRNNReLU() { check(Case(cell: .rnn, activation: .relu, layers: 1)) }
    func testRNNTwoLayers() { check(Case(cell: .rnn, activation: .tanh, layers: 2)) }
    func testLSTM() { check(Case(cell: .lstm, activation: .tanh, layers: 1)) }
    func testLSTMTwoLayers() { check(Case(cell: .lstm, activation: .tanh, layers: 2)) }
    func testGRU() { check(Case(cell: .gru, activation: .tanh, layers: 1)) }
    func testGRUTwoLayers() { check(Case(cell: .gru, activation: .tanh, layers: 2)) }
    func testTiedLSTM() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tied: true)) }
    func testTiedGRU() { check(Case(cell: .gru, activation: .tanh, layers: 1, tied: true)) }

    // Layer 0 through the token table (V·4 ≤ T·B), and the same shapes embedding every row.
    func testRNNTokenTable() { check(Case(cell: .rnn, activation: .tanh, layers: 1, tokenTable: true)) }
    func testRNNTwoLayersTokenTable() { check(Case(cell: .rnn, activation: .relu, layers: 2, tokenTable: true)) }
    func testLSTMTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 1, tokenTable: true)) }
    func testLSTMTwoLayersTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tokenTable: true)) }
    func testGRUTokenTable() { check(Case(cell: .gru, activation: .tanh, layers: 1, tokenTable: true)) }
    func testGRUTwoLayersTokenTable() { check(Case(cell: .gru, activation: .tanh, layers: 2, tokenTable: true)) }
    func testTiedLSTMTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tied: true, tokenTable: true)) }
    func testLSTMEveryRowEmbeddedWhereTheTableWouldPay() {
        check(Case(cell: .lstm, activation: .tanh, layers: 2, tokenTable: true, recordsInputGradients: true))
    }
    func testGRUEveryRowEmbeddedWhereTheTableWouldPay() {
        check(Case(cell: .gru, activation: .tanh, layers: 1, tokenTable: true, recordsInputGradients: true))
    }

    // Training with dropout (between layers and before the decoder): the reference applies
    // the masks the engine drew; layer 0 still reads the token table where it pays.
    func testRNNTwoLayersDropout() { check(Case(cell: .rnn, activation: .tanh, layers: 2, dropout: true)) }
    func testLSTMTwoLayersDropout() { check(Case(cell: .lstm, activation: .tanh, layers: 2, dropout: true)) }
    func testGRUTwoLayersDropout() { check(Case(cell: .gru, activation: .tanh, layers: 2, dropout: true)) }
    func testLSTMTwoLayersDropoutTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tokenTable: true, dropout: true)) }
    func testGRUOneLayerDropoutTokenTable() { check(Case(cell: .gru, activation: .tanh, layers: 1, tokenTable: true, dropout: true)) }
    func testTiedLSTMDropoutTokenTable() { check(Case(cell: .lstm, activation: .tanh, layers: 2, tied: true, tokenTable: true, dropout: true)) }
    func testAdaptiveLSTMDropout() { check(Case(cell: .lstm, activation: .tanh, layers: 2, adaptive: true, dropout: true)) }
    // Layer norm and dropout together (the branches that built them met only in the merge).
    func testLayerNormLSTMTwoLayersDropoutTokenTable() {
        check(Case(cell: .lstm, activation: .tanh, layers: 2, tokenTable: true, norm: .layer, dropout: true))
    }
    func testLayerNormGRUTwoLayersDropout() { check(Case(cell: .gru, activation: .tanh, layers: 2, norm: .layer, dropout: true)) }

    // The adaptive softmax (PyTorch's AdaptiveLogSoftmaxWithLoss) on every cell.
    func testAdaptiveRNN() { check(Case(cell: .rnn, activation: .tanh, layers: 1, adaptive: true)) }
    func testAdaptiveLSTMTwoLayers() { check(Case(cell: .lstm, activation: .tanh, layers: 2, adaptive: true)) }
    func testAdaptiveGRU() { check(Case(cell: .gru, activation: .tanh, layers: 1, adaptive: true)) }
    func testAdaptiveLSTMTokenTableSizedChunk() { check(Case(cell: .lstm, activation: .tanh, layers: 1, tokenTable: true, adaptive: true)) }

    /// The adaptive softmax's whole distribution (a forward without targets) is the
    /// reference's exp(log p) for every token, and sums to 1.
    func testAdaptiveDistributionMatchesTheReference() {
        KernelPaths.forEach { path in
            let config = Self.adaptiveConfig(ModelConfig(cell: .lstm, vocabularySize: 5, embed: 3, hidden: 4, layers: 1))
            var random = RandomGenerator(seed: 9)
            let model = LanguageModel(config: config, random: &random)
            for index in 0..<model.parameterCount { model.parameters[index] *= 2 }
            let graph = TrainingGraph(config: config, maxSteps: 1, batch: 1)
            let reference = ReferenceModel(model: model)
            for token in 0..<9 {
                graph.resetState()
                _ = [Int32(token)].withUnsafeBufferPointer {
                    graph.forward(model: model, inputs: $0, targets: nil, steps: 1, training: false, random: &random)
                }
                let h = (0..<4).map { Double(graph.layerOutputs(0)[$0]) }
                var sum = 0.0
                for next in 0..<9 {
                    let expected = exp(reference.logProbability(of: next, after: h))
                    let engine = Double(graph.probabilities[next])
                    sum += engine
                    XCTAssertEqual(engine, expected, accuracy: 1e-6, "\(path): p(\(next) | \(token))")
                }
                XCTAssertEqual(sum, 1, accuracy: 1e-5, "\(path): the distribution after \(token) does not sum to 1")
            }
        }
    }

    /// Dropout never masks the embedding, so training with dropout takes the token table
    /// too, and gives the loss that embedding every row gives with the same masks (the
    /// same generator state); evaluation takes it as well.
    func testTokenTableWithDropout() {
        for cell in CellKind.allCases {
            let config = ModelConfig(cell: cell, vocabularySize: 5, embed: 3, hidden: 4, layers: 2, dropout: 0.5)
            var random = RandomGenerator(seed: 5)
            let model = LanguageModel(config: config, random: &random)
            let T = 5, B = 4
            let inputs = (0..<T * B).map { _ in Int32(random.next() % 5) }
            let targets = (0..<T * B).map { _ in Int32(random.next() % 5) }
            let graph = TrainingGraph(config: config, maxSteps: T, batch: B)
            func loss(training: Bool) -> Double {
                inputs.withUnsafeBufferPointer { i in
                    targets.withUnsafeBufferPointer { t in
                        graph.forward(model: model, inputs: i, targets: t, steps: T, training: training, random: &random)
                    }
                }
            }
            let before = random
            let trainingTableLoss = loss(training: true)
            XCTAssertTrue(graph.usedTokenTable, "\(cell): training with dropout did not take the token table")
            random = before
            graph.recordsInputGradients = true
            let trainingEmbeddedLoss = loss(training: true)
            XCTAssertFalse(graph.usedTokenTable)
            XCTAssertEqual(trainingTableLoss, trainingEmbeddedLoss, accuracy: 1e-5 * abs(trainingEmbeddedLoss), "\(cell)")
            graph.recordsInputGradients = false
            let tableLoss = loss(training: false)
            XCTAssertTrue(graph.usedTokenTable, "\(cell): evaluation did not take the token table")
            graph.recordsInputGradients = true
            let embeddedLoss = loss(training: false)
            XCTAssertFalse(graph.usedTokenTable)
            XCTAssertEqual(tableLoss, embeddedLoss, accuracy: 1e-5 * abs(embeddedLoss), "\(cell)")
        }
    }

    /// Models wide enough that the recurrence is split across threads (unit slices of
    /// 32): a sample of parameters from every tensor, half of them in the second slice.
    func testGradientsWhenUnitsAreSplitAcrossThreads() {
        KernelPaths.forEach { path in
            // Layer-normalised cells split the rows too (a row's norm spans all its units).
            for (cell, norm) in CellKind.allCases.flatMap({ cell in NormKind.allCases.map { (cell, $0) } }) {
                let config = ModelConfig(cell: cell, vocabularySize: 5, embed: 4, hidden: 64, layers: 2, norm: norm)
                var random = RandomGenerator(seed: 8)
                let model = LanguageModel(config: config, random: &random)
                Self.perturbNorms(model, random: &random)
                let T = 2, B = 8
                let inputs = (0..<T).map { _ in (0..<B).map { _ in Int(random.next() % 5) } }
                let targets = (0..<T).map { _ in (0..<B).map { _ in Int(random.next() % 5) } }
                let flatInputs = inputs.flatMap { $0.map(Int32.init) }, flatTargets = targets.flatMap { $0.map(Int32.init) }
                let graph = TrainingGraph(config: config, maxSteps: T, batch: B, splitThreshold: 1)
                XCTAssertGreaterThan(graph.unitChunkCount, 1, "\(cell): the test must exercise the split")
                let gradients = FloatBuffer(count: model.parameterCount)
                _ = flatInputs.withUnsafeBufferPointer { i in
                    flatTargets.withUnsafeBufferPointer { t in
                        graph.forward(model: model, inputs: i, targets: t, steps: T, training: false, random: &random)
                    }
                }
                graph.backward(model: model, gradients: gradients.pointer)
                var reference = ReferenceModel(model: model)
                var worst = 0.0, worstName = ""
                for slot in model.layout.slots {
                    // Fewer samples for the norms' twice as many tensors keep the test's time.
                    let samples = norm == .layer ? 2 : 6
                    for sample in 0..<samples {
                        // Rows past 32·gates fall in the second unit slice for per-unit tensors.
                        let index = sample < samples / 2 ? Int(random.next() % UInt64(slot.count)) : slot.count - 1 - Int(random.next() % UInt64(max(slot.count / 2, 1)))
                        let numeric = reference.numericGradient(slot.name, index, inputs: inputs, targets: targets)
                        let difference = abs(Double(gradients[slot.offset + index]) - numeric) / (1e-3 + abs(numeric))
                        if difference > worst { worst = difference; worstName = "\(slot.name)[\(index)]" }
                    }
                }
                XCTAssertLessThan(worst, 2e-3, "\(path) \(cell) norm \(norm): largest gradient error at \(worstName)")
            }
        }
    }

    /// The state carried from one chunk to the next is exactly the reference's state
    /// after running both chunks as one sequence.
    func testCarriedStateMatchesOneLongSequence() {
        // With norm layer the LSTM carries c itself, not LN(c): the reference does too.
        for (cell, norm) in CellKind.allCases.flatMap({ cell in NormKind.allCases.map { (cell, $0) } }) {
            let config = ModelConfig(cell: cell, vocabularySize: 6, embed: 3, hidden: 5, layers: 2, norm: norm)
            var random = RandomGenerator(seed: 3)
            let model = LanguageModel(config: config, random: &random)
            Self.perturbNorms(model, random: &random)
            let T = 3, B = 2
            let tokens = (0..<(2 * T + 1)).map { _ in (0..<B).map { _ in Int(random.next() % 6) } }
            let graph = TrainingGraph(config: config, maxSteps: T, batch: B)
            var reference = ReferenceModel(model: model)
            var state: [[[Double]]]? = nil
            for chunk in 0..<2 {
                let inputs = Array(tokens[chunk * T..<(chunk + 1) * T]), targets = Array(tokens[chunk * T + 1...(chunk + 1) * T])
                let flatInputs = inputs.flatMap { $0.map(Int32.init) }, flatTargets = targets.flatMap { $0.map(Int32.init) }
                let engine = flatInputs.withUnsafeBufferPointer { i in
                    flatTargets.withUnsafeBufferPointer { t in
                        graph.forward(model: model, inputs: i, targets: t, steps: T, training: false, random: &random)
                    }
                } / Double(T * B)
                graph.carryState()
                let expected = reference.loss(inputs: inputs, targets: targets, state: state)
                state = expected.state
                XCTAssertEqual(engine, expected.loss, accuracy: 1e-5, "\(cell) norm \(norm) chunk \(chunk)")
            }
            reference.parameters = [:]
        }
    }
}
