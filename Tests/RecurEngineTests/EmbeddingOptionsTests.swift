// Tied weights, a frozen embedding and an embedding started from vectors: what each
// changes in training and in checkpoints.
import Foundation
import XCTest
@testable import RecurEngine

final class EmbeddingOptionsTests: XCTestCase {
    static let text = String(repeating: "The fox ran to the river and the owl flew over the hill.\n", count: 40)

    func trainer(tied: Bool = false, frozen: Bool = false, level: TokenLevel = .word) throws -> (Trainer, Corpus) {
        let corpus = Corpus(text: Self.text, level: level, lowercase: true)
        var random = RandomGenerator(seed: 5)
        let config = ModelConfig(cell: .lstm, vocabularySize: corpus.vocabulary.count, embed: 6, hidden: 6, tieWeights: tied)
        var training = TrainingConfig(sequenceLength: 8, batch: 4)
        training.freezeEmbedding = frozen
        return (try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus, config: training), corpus)
    }

    func testTiedWeightsShareOneTensorThroughTrainingAndCheckpoints() throws {
        let (trainer, corpus) = try trainer(tied: true)
        let layout = trainer.model.layout
        XCTAssertEqual(layout["decoder.weight"].offset, layout["encoder.weight"].offset)
        XCTAssertEqual(trainer.model.parameterCount, ModelConfig(cell: .lstm, vocabularySize: corpus.vocabulary.count, embed: 6, hidden: 6).layout.totalCount
                       - corpus.vocabulary.count * 6, "the tied tensor is stored once in memory")
        for _ in 0..<5 { trainer.trainStep() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-tied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: true, minCount: 1, validationLoss: nil).write(to: path)
        let file = try SafeTensors(contentsOf: path)
        XCTAssertEqual(try file.tensor("encoder.weight")?.values, try file.tensor("decoder.weight")?.values, "both names, the same data")
        let read = try Checkpoint.read(from: path)
        XCTAssertTrue(read.config.tieWeights)
        XCTAssertEqual(read.model.parameters.array, trainer.model.parameters.array)
        let resumed = try read.resumedTrainer(corpus: corpus)
        XCTAssertTrue(resumed.model.config.tieWeights, "resume keeps the tie")
        // A file whose two copies disagree is refused.
        var tampered = file
        var decoder = try file.tensor("decoder.weight")!
        decoder.values[0] += 1
        tampered.set("decoder.weight", shape: decoder.shape, values: decoder.values)
        try tampered.serialized(order: file.names.sorted()).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Checkpoint.read(from: path)) { XCTAssertTrue("\($0)".contains("differs from encoder.weight"), "\($0)") }
    }

    func testTyingNeedsEqualWidths() {
        XCTAssertThrowsError(try ModelConfig(cell: .lstm, vocabularySize: 9, embed: 6, hidden: 8, tieWeights: true).validate()) {
            XCTAssertTrue("\($0)".contains("--tie-weights needs --hidden equal to --embed (got 8 and 6)"), "\($0)")
        }
    }

    func testAFrozenEmbeddingStaysAsItStartedWhileTheRestLearns() throws {
        let (trainer, _) = try trainer(frozen: true)
        let before = trainer.model.parameters.array
        let encoder = trainer.model.layout["encoder.weight"]
        for _ in 0..<5 { trainer.trainStep() }
        let after = trainer.model.parameters.array
        XCTAssertEqual(Array(after[encoder.offset..<encoder.offset + encoder.count]), Array(before[encoder.offset..<encoder.offset + encoder.count]))
        XCTAssertNotEqual(Array(after[(encoder.offset + encoder.count)...]), Array(before[(encoder.offset + encoder.count)...]))
        XCTAssertTrue(trainer.optimizer.first.array[encoder.offset..<encoder.offset + encoder.count].allSatisfy { $0 == 0 }, "no optimizer state")
    }

    func testEmbeddingStartsFromVectorsByTheVocabularysCaseRule() throws {
        let (trainer, corpus) = try trainer()
        // "Fox" in the file matches the lowercased vocabulary's "fox"; "zebra" matches nothing.
        let vectors = try WordVectors(words: ["Fox", "the", "zebra"], dimension: 6,
                                      vectors: (0..<18).map { Float($0) })
        let matched = try trainer.model.initializeEmbedding(from: vectors, vocabulary: corpus.vocabulary, name: "v.txt")
        XCTAssertEqual(matched, 2)
        let E = 6, fox = Int(corpus.vocabulary.id(of: "fox")!)
        let row = (0..<E).map { trainer.model.tensor("encoder.weight")[fox * E + $0] }
        XCTAssertEqual(row, [0, 1, 2, 3, 4, 5])
        XCTAssertThrowsError(try trainer.model.initializeEmbedding(from: try WordVectors(words: ["fox"], dimension: 3, vectors: [1, 2, 3]),
                                                                  vocabulary: corpus.vocabulary, name: "small.txt")) {
            XCTAssertTrue("\($0)".contains("3-dimensional vectors but --embed is 6"), "\($0)")
        }
        let (characters, charCorpus) = try self.trainer(level: .char)
        XCTAssertThrowsError(try characters.model.initializeEmbedding(from: vectors, vocabulary: charCorpus.vocabulary, name: "words.txt")) {
            XCTAssertTrue("\($0)".contains("needs vectors of single characters"), "\($0)")
        }
    }
}
