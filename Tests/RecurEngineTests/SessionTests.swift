// The session reads a validation pass in slices between commands: a command waits for one
// chunk, not for the whole pass (minutes at V = 226k with the full softmax).
import Foundation
import XCTest
@testable import RecurEngine

final class SessionTests: XCTestCase {
    /// A character model on `characters` of text, with the given width.
    func makeTrainer(characters: Int, hidden: Int, sequenceLength: Int, batch: Int) throws -> (Trainer, Vocabulary) {
        let line = "the fox ran to the river and the owl flew over the hill. "
        let corpus = Corpus(text: String(repeating: line, count: characters / line.count + 1), level: .char)
        var random = RandomGenerator(seed: 3)
        let config = ModelConfig(cell: .lstm, vocabularySize: corpus.vocabulary.count, embed: 16, hidden: hidden, layers: 1)
        return (try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus,
                            config: TrainingConfig(sequenceLength: sequenceLength, batch: batch, seed: 3)), corpus.vocabulary)
    }

    /// Collects the snapshots a session posts (on the main queue) and calls `react` with each.
    final class Collector: @unchecked Sendable {
        var snapshots: [TrainingSnapshot] = []
        var react: (TrainingSnapshot) -> Void = { _ in }
        func take(_ snapshot: TrainingSnapshot) {
            snapshots.append(snapshot)
            react(snapshot)
        }
    }

    func testStopDuringAValidationIsHandledBeforeThePassEnds() throws {
        // About 2,500 chunks of 4 × 4 tokens through a 256-wide LSTM: seconds, where one
        // chunk is a millisecond.
        let (trainer, vocabulary) = try makeTrainer(characters: 400_000, hidden: 256, sequenceLength: 4, batch: 4)
        let collector = Collector()
        let session = Session(trainer: trainer, vocabulary: vocabulary, probeIDs: [],
                              deliver: { snapshot in collector.take(snapshot) })
        session.evaluationInterval = 1
        session.snapshotInterval = 0
        let stopped = expectation(description: "a stopped snapshot")
        var stopSent = false
        collector.react = { snapshot in
            if !stopSent, let progress = snapshot.validationProgress, progress > 0 {
                stopSent = true
                session.send(.stop)
            }
            if snapshot.state == .stopped { stopped.fulfill() }
        }
        session.start()
        wait(for: [stopped], timeout: 120)
        let progress = collector.snapshots.compactMap(\.validationProgress)
        XCTAssertFalse(progress.isEmpty, "no snapshot showed the validation under way")
        XCTAssertLessThan(progress.max() ?? 1, 0.5, "the stop waited for most of the pass: \(progress.max() ?? 1)")
        XCTAssertNil(collector.snapshots.last?.validationProgress, "a stopped session still shows a validation under way")
        XCTAssertTrue(collector.snapshots.allSatisfy { $0.newValidationLosses.isEmpty }, "the stopped pass posted a loss")
        XCTAssertEqual(trainer.step, 1, "training went on while the validation was under way")
    }

    func testAPassReadInSlicesPostsTheLossOfTheWeightsItStartedWith() throws {
        let (trainer, vocabulary) = try makeTrainer(characters: 60_000, hidden: 24, sequenceLength: 8, batch: 4)
        let collector = Collector()
        let session = Session(trainer: trainer, vocabulary: vocabulary, probeIDs: [],
                              deliver: { snapshot in collector.take(snapshot) })
        session.snapshotInterval = 0
        let validated = expectation(description: "a validation loss")
        collector.react = { snapshot in
            if !snapshot.newValidationLosses.isEmpty { validated.fulfill() }
        }
        session.start(paused: true)
        session.send(.stepOnce)
        wait(for: [validated], timeout: 120)
        let posted = try XCTUnwrap(collector.snapshots.flatMap(\.newValidationLosses).first)
        XCTAssertGreaterThan(collector.snapshots.compactMap(\.validationProgress).count, 10, "the pass was not read in slices")
        XCTAssertEqual(posted.step, 1)
        // Paused after the step: the trainer still holds the weights the pass read.
        XCTAssertEqual(trainer.step, 1)
        XCTAssertEqual(posted.loss, try XCTUnwrap(trainer.validationLoss()))
    }

    /// Periodic validation keeps to its share of training time (#23): on the interval while
    /// passes are cheap, put off to a later multiple when the last pass was slow.
    func testPeriodicValidationKeepsToItsShareOfTrainingTime() {
        let due = Session.periodicValidationIsDue
        XCTAssertTrue(due(200, 200, 60, 1))
        XCTAssertFalse(due(300, 200, 600, 1), "not a multiple of the interval")
        XCTAssertFalse(due(0, 200, 600, 1), "step 0 has trained nothing")
        XCTAssertFalse(due(200, 0, 600, 1), "interval 0: no periodic validation")
        // A 10 s pass needs 200 s of training after it (5%).
        XCTAssertFalse(due(400, 200, 150, 10))
        XCTAssertTrue(due(600, 200, 200, 10))
    }
}
