// Training end to end on the project's own small sample: the loss must fall well below
// what a model that knows only character frequencies achieves.
import Foundation
import XCTest
@testable import RecurEngine

final class TrainingTests: XCTestCase {
    static var smallSample: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/small.txt").path
    }

    func testAnRNNLearnsTheSmallSample() throws {
        let corpus = Corpus(text: try Corpus.readText(at: Self.smallSample), level: .char)
        // Entropy of the unigram distribution: the loss of a model without context.
        var counts = [Int](repeating: 0, count: corpus.vocabulary.count)
        for id in corpus.ids { counts[Int(id)] += 1 }
        let unigram = counts.filter { $0 > 0 }.map { Double($0) / Double(corpus.ids.count) }.reduce(0) { $0 - $1 * log($1) }

        var random = RandomGenerator(seed: 1)
        let config = ModelConfig(cell: .rnn, vocabularySize: corpus.vocabulary.count, embed: 16, hidden: 64)
        let trainer = try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus,
                                  config: TrainingConfig(sequenceLength: 32, batch: 16, optimizer: OptimizerSettings(kind: .adam, learningRate: 5e-3)))
        let before = try XCTUnwrap(trainer.validationLoss())
        XCTAssertEqual(before, log(Double(corpus.vocabulary.count)), accuracy: 0.6, "an untrained model is near uniform")
        for _ in 0..<300 { XCTAssertTrue(trainer.trainStep().applied) }
        let after = try XCTUnwrap(trainer.validationLoss())
        XCTAssertLessThan(after, unigram - 0.6, "validation loss \(after) vs unigram entropy \(unigram)")
        XCTAssertEqual(trainer.step, 300)
        XCTAssertEqual(trainer.tokensSeen, 300 * 32 * 16)
    }

    /// Periodic validation reads a fixed leading slice of the validation text (the
    /// loss of exactly those tokens), and all of it with 0.
    func testValidationReadsTheEvaluationSlice() throws {
        let words = (0..<3000).map { "w\($0 % 37)" }.joined(separator: " ")
        let corpus = Corpus(text: words, level: .word)
        var random = RandomGenerator(seed: 2)
        let model = LanguageModel(config: ModelConfig(cell: .gru, vocabularySize: corpus.vocabulary.count, embed: 4, hidden: 8), random: &random)
        let trainer = try Trainer(model: model, corpus: corpus, config: TrainingConfig(sequenceLength: 5, batch: 2))
        trainer.evaluationTokens = 100
        XCTAssertEqual(trainer.evaluationIDs.count, 100)
        XCTAssertEqual(Array(trainer.evaluationIDs), Array(corpus.validationIDs.prefix(100)))
        XCTAssertEqual(trainer.evaluationSliceDescription, "first 100 of 300 validation tokens")
        let sliced = try XCTUnwrap(trainer.validationLoss())
        XCTAssertEqual(sliced, Evaluation.loss(model: model, ids: corpus.validationIDs.prefix(100), batch: 2, sequenceLength: 5))
        trainer.evaluationTokens = 0
        XCTAssertNil(trainer.evaluationSliceDescription)
        XCTAssertEqual(trainer.validationLoss(), Evaluation.loss(model: model, ids: corpus.validationIDs, batch: 2, sequenceLength: 5))
        XCTAssertNotEqual(trainer.validationLoss(), sliced)
    }

    func testNonFiniteStepNeverReachesTheWeights() throws {
        let corpus = Corpus(text: String(repeating: "abcd", count: 200), level: .char)
        var random = RandomGenerator(seed: 1)
        let model = LanguageModel(config: ModelConfig(vocabularySize: 4, embed: 4, hidden: 8), random: &random)
        model.tensor("decoder.bias")[0] = .nan
        let before = model.parameters.array
        let trainer = try Trainer(model: model, corpus: corpus, config: TrainingConfig(sequenceLength: 8, batch: 2))
        let result = trainer.trainStep()
        XCTAssertFalse(result.applied)
        XCTAssertEqual(trainer.step, 0)
        XCTAssertEqual(model.parameters.array.map(\.bitPattern), before.map(\.bitPattern))
    }
}
