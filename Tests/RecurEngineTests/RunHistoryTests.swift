// A run's history: bounded however long the run, exact through a checkpoint, and
// refused when a file's history is out of range.
import Foundation
import XCTest
@testable import RecurEngine

final class RunHistoryTests: XCTestCase {
    func testHistoryStaysBoundedAndKeepsTheWholeRun() {
        var history = RunHistory()
        for step in 1...50_000 { history.recordTraining(step: step, tokens: step, loss: 1 / Double(step)) }
        for step in stride(from: 100, through: 50_000, by: 100) { history.recordValidation(step: step, tokens: step, loss: 1) }
        XCTAssertLessThanOrEqual(history.train.count, RunHistory.trainLimit)
        XCTAssertGreaterThan(history.train.count, RunHistory.trainLimit / 2)
        XCTAssertEqual(history.train.first?.step, 1, "the start of the run is still there")
        XCTAssertEqual(history.train.last?.step, 50_000)
        XCTAssertEqual(history.smoothed.count, history.train.count)
        XCTAssertEqual(history.validation.count, 500)
        XCTAssertTrue(zip(history.train, history.train.dropFirst()).allSatisfy { $0.step < $1.step })
        XCTAssertNoThrow(try history.validate())
    }

    func testSmoothedLossIsTheMovingAverage() {
        var history = RunHistory()
        history.recordTraining(step: 1, tokens: 1, loss: 4)
        history.recordTraining(step: 2, tokens: 2, loss: 2)
        XCTAssertEqual(history.smoothed, [4, 0.98 * 4 + 0.02 * 2])
        // A rollback re-records a step: what followed it is replaced.
        history.recordTraining(step: 2, tokens: 2, loss: 3)
        XCTAssertEqual(history.train.map(\.loss), [4, 3])
    }

    func testHistoryRoundTripsExactlyThroughACheckpoint() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = Corpus(text: String(repeating: "the owl flew over the hill. ", count: 60), level: .char)
        var random = RandomGenerator(seed: 3)
        let model = LanguageModel(config: ModelConfig(cell: .gru, vocabularySize: corpus.vocabulary.count, embed: 4, hidden: 6), random: &random)
        let trainer = try Trainer(model: model, corpus: corpus, config: TrainingConfig(sequenceLength: 8, batch: 4))
        for _ in 0..<25 { trainer.trainStep() }
        trainer.history.elapsed = 12.375
        trainer.noteValidationLoss(trainer.validationLoss()!)
        trainer.history.sample = "the owl \u{1F989}"
        trainer.history.sampleStep = 25
        let path = folder.appendingPathComponent("h.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: trainer.lastValidationLoss).write(to: path)
        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.history, trainer.history)
        XCTAssertEqual(read.history.train.count, 25)
        XCTAssertEqual(read.history.bestValidation, trainer.lastValidationLoss)
        let resumed = try read.resumedTrainer(corpus: corpus)
        XCTAssertEqual(resumed.history, trainer.history, "a resumed trainer continues the history")
        resumed.trainStep()
        XCTAssertEqual(resumed.history.train.last?.step, 26)
    }

    func testOutOfRangeHistoriesAreRefused() throws {
        var history = RunHistory()
        history.recordTraining(step: 5, tokens: 5, loss: 1)
        history.elapsed = -1
        XCTAssertThrowsError(try history.validate()) { XCTAssertTrue("\($0)".contains("history.elapsed"), "\($0)") }
        let unordered = #"{"train":[{"step":5,"tokens":1,"loss":1,"elapsed":0},{"step":3,"tokens":1,"loss":1,"elapsed":0}],"smoothed":[1,1],"validation":[],"elapsed":0}"#
        let decoded = try JSONDecoder().decode(RunHistory.self, from: Data(unordered.utf8))
        XCTAssertThrowsError(try decoded.validate()) { XCTAssertTrue("\($0)".contains("out of order"), "\($0)") }
        let mismatched = #"{"train":[{"step":5,"tokens":1,"loss":1,"elapsed":0}],"smoothed":[],"validation":[],"elapsed":0}"#
        XCTAssertThrowsError(try JSONDecoder().decode(RunHistory.self, from: Data(mismatched.utf8)).validate())
    }
}
