// The memory check before a model is built: its estimate covers every buffer training
// holds (found by reflection), and its refusal is one line.
import Foundation
import XCTest
@testable import RecurEngine

final class TrainingMemoryTests: XCTestCase {
    /// Bytes of the buffers an object holds, found by reflection over its stored
    /// properties, so that a buffer added to the graph or the trainer later is counted
    /// here without anyone remembering to.
    func bufferBytes(of object: Any) -> Int {
        Mirror(reflecting: object).children.reduce(0) { total, child in
            switch child.value {
            case let buffer as FloatBuffer: total + buffer.count * 4
            case let buffers as [FloatBuffer]: total + buffers.reduce(0) { $0 + $1.count * 4 }
            case let values as [Float]: total + values.count * 4
            case let values as [Int32]: total + values.count * 4
            default: total
            }
        }
    }

    /// What a trainer allocates (weights, its own buffers, the optimizer's and the
    /// graph's) plus the graph a validation pass builds, against the estimate, for every
    /// cell, with dropout (its masks) and with a vocabulary small enough for layer 0's
    /// token table.
    func testTheEstimateCoversWhatTrainingAllocates() throws {
        let text = String(repeating: "the fox ran to the river and the owl flew over the hill. ", count: 400)
        let corpus = Corpus(text: text, level: .char)
        for (cell, dropout, hidden, steps) in [(CellKind.lstm, Float(0), 256, 32), (.gru, 0.3, 320, 8), (.rnn, 0.2, 512, 32)] {
            let model = ModelConfig(cell: cell, vocabularySize: corpus.vocabulary.count, embed: 16, hidden: hidden, layers: 2, dropout: dropout)
            let training = TrainingConfig(sequenceLength: steps, batch: 16)
            let estimate = try XCTUnwrap(TrainingMemory.bytes(model, steps: steps, batch: 16)) - TrainingMemory.runtimeAllowance
            var random = RandomGenerator(seed: 1)
            let trainer = try Trainer(model: LanguageModel(config: model, random: &random), corpus: corpus, config: training)
            let validation = TrainingGraph(config: model, maxSteps: steps, batch: 16)
            let held = bufferBytes(of: trainer.model) + bufferBytes(of: trainer) + bufferBytes(of: trainer.optimizer)
                + bufferBytes(of: trainer.graph) + bufferBytes(of: validation)
            XCTAssertGreaterThan(held, trainer.model.parameterCount * 4 * 4, "\(cell): the weights, gradients and moments are found")
            XCTAssertLessThanOrEqual(held, estimate, "\(cell) hidden \(hidden): \(held) bytes held, \(estimate) estimated")
        }
    }

    func testMoreThanTheMachineHasIsRefusedInOneLine() {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        XCTAssertThrowsError(try TrainingMemory.check(physical + (1 << 30), for: "training this")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("training this needs about "), message)
            XCTAssertTrue(message.contains("of memory; this machine has "), message)
            XCTAssertFalse(message.contains("\n"))
        }
        XCTAssertThrowsError(try TrainingMemory.check(nil, for: "training this"))
        XCTAssertNoThrow(try TrainingMemory.check(64 << 20, for: "a small model"))
    }
}
