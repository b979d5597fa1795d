// Validation split into blocks of streams, one per core, gives the loss one graph over all
// the streams gives.
import CRecurKernels
import XCTest
@testable import RecurEngine

final class EvaluationTests: XCTestCase {
    func testBlocksOfStreamsGiveTheLossOfOneGraph() {
        let text = String(repeating: "the fox ran to the river and the owl flew over the hill. ", count: 200)
        let corpus = Corpus(text: text, level: .char)
        KernelPaths.forEach { path in
            for cell in CellKind.allCases {
                // Wide enough that the recurrence would be split across cores (B·G·H ≥ 2^20).
                let config = ModelConfig(cell: cell, vocabularySize: corpus.vocabulary.count, embed: 8, hidden: 256, layers: 1)
                var random = RandomGenerator(seed: 4)
                let model = LanguageModel(config: config, random: &random)
                let batch = 20, steps = 16
                let blocks = ValidationPass.streamBlocks(config, batch: batch)
                XCTAssertEqual(blocks.count, min(Gemm.threadCount, 2), "\(cell): the test must exercise the blocks")
                XCTAssertEqual(blocks.first?.lowerBound, 0)
                XCTAssertEqual(blocks.last?.upperBound, batch)
                let tile = Int(recur_sgemm_tile_rows())
                XCTAssertTrue(blocks.allSatisfy { $0.lowerBound % tile == 0 }, "\(path): a block starts inside a tile")
                let split = Evaluation.loss(model: model, ids: corpus.validationIDs, batch: batch, sequenceLength: steps)!
                let whole = ValidationPass(model: model, ids: corpus.validationIDs, batch: batch, sequenceLength: steps,
                                           blocksPerCore: false)!
                while !whole.isFinished { whole.advance() }
                XCTAssertEqual(whole.tokenCount, (corpus.validationIDs.count / batch - 1) * batch)
                XCTAssertEqual(split, whole.loss!, accuracy: 1e-6 * split, "\(path) \(cell)")
            }
        }
    }
}
