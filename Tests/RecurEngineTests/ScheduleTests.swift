// Learning-rate decay by steps and on plateaus.
import XCTest
@testable import RecurEngine

final class ScheduleTests: XCTestCase {
    func trainer(_ schedule: LearningRateSchedule) throws -> Trainer {
        let corpus = Corpus(text: String(repeating: "abcab", count: 100), level: .char)
        var random = RandomGenerator(seed: 1)
        let model = LanguageModel(config: ModelConfig(vocabularySize: 3, embed: 2, hidden: 4), random: &random)
        return try Trainer(model: model, corpus: corpus,
                           config: TrainingConfig(sequenceLength: 4, batch: 2, optimizer: OptimizerSettings(kind: .sgd, learningRate: 1), schedule: schedule))
    }

    func testStepDecay() throws {
        let t = try trainer(.step(every: 3, factor: 0.5))
        var rates: [Float] = []
        for _ in 0..<7 { t.trainStep(); rates.append(t.optimizer.settings.learningRate) }
        XCTAssertEqual(rates, [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])
    }

    func testPlateauDecay() throws {
        let t = try trainer(.plateau(patience: 1, factor: 0.1))
        for loss in [2.0, 1.9, 1.9, 1.95] { t.noteValidationLoss(loss) }
        // 1.9 improves; the next two do not: after more than `patience` the rate drops.
        XCTAssertEqual(t.optimizer.settings.learningRate, 0.1, accuracy: 1e-7)
        XCTAssertThrowsError(try LearningRateSchedule.step(every: 0, factor: 0.5).validate())
        XCTAssertThrowsError(try LearningRateSchedule.plateau(patience: 1, factor: 1.5).validate())
    }
}
