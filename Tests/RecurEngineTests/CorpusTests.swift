// Reading, validating and tokenizing text, and the stream layout of batches.
import Foundation
import XCTest
@testable import RecurEngine

final class CorpusTests: XCTestCase {
    func testCharacterVocabularyIsSortedUniqueScalars() {
        let corpus = Corpus(text: "hello, héllo", level: .char)
        XCTAssertEqual(corpus.vocabulary.tokens, [" ", ",", "e", "h", "l", "o", "é"])
        XCTAssertEqual(corpus.vocabulary.render(corpus.ids), "hello, héllo")
    }

    /// --max-vocab keeps the most frequent words, <unk> counted in the cap, after
    /// --min-count has dropped the rare ones; the rest read as <unk>.
    func testMaxVocabularyKeepsTheMostFrequentWords() {
        let text = "a a a a a b b b b c c c d d e"
        let capped = Corpus(text: text, level: .word, maxVocabulary: 3)
        XCTAssertEqual(capped.vocabulary.tokens, ["<unk>", "a", "b"])
        XCTAssertEqual(Array(capped.ids), [1, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0])
        let both = Corpus(text: text, level: .word, minCount: 3, maxVocabulary: 10)
        XCTAssertEqual(both.vocabulary.tokens, ["<unk>", "a", "b", "c"], "the cap is larger: --min-count decides")
        let tighter = Corpus(text: text, level: .word, minCount: 2, maxVocabulary: 4)
        XCTAssertEqual(tighter.vocabulary.tokens, ["<unk>", "a", "b", "c"], "both apply: d passes --min-count but not the cap")
        XCTAssertEqual(Corpus(text: text, level: .word).vocabulary.count, 6, "no cap: every word")
    }

    func testInvalidUTF8ReportsTheOffset() {
        let bytes: [UInt8] = Array("abc".utf8) + [0xC3, 0x28] + Array("xyz".utf8)
        XCTAssertThrowsError(try Corpus.decodeText(Data(bytes), name: "t")) { error in
            XCTAssertTrue("\(error)".contains("offset 4"), "\(error)")
        }
        // An overlong encoding and a surrogate are invalid too.
        XCTAssertThrowsError(try Corpus.decodeText(Data([0x41, 0xC0, 0xAF]), name: "t"))
        XCTAssertThrowsError(try Corpus.decodeText(Data([0xED, 0xA0, 0x80]), name: "t"))
        // A truncated sequence at the end.
        XCTAssertThrowsError(try Corpus.decodeText(Data([0x41, 0xE2, 0x82]), name: "t"))
        XCTAssertEqual(try Corpus.decodeText(Data("añ€😀".utf8), name: "t"), "añ€😀")
    }

    func testEmptyAndBinaryInputAreRefused() {
        XCTAssertThrowsError(try Corpus.decodeText(Data(), name: "t")) { XCTAssertTrue("\($0)".contains("empty")) }
        XCTAssertThrowsError(try Corpus.decodeText(Data([0x41, 0x00, 0x42]), name: "t")) { XCTAssertTrue("\($0)".contains("binary")) }
        XCTAssertThrowsError(try Corpus.readText(at: "/nonexistent/recur-corpus.txt")) { XCTAssertTrue("\($0)".contains("not found")) }
    }

    func testSplitIsNinetyPercentByPosition() {
        let corpus = Corpus(text: String(repeating: "ab", count: 50) + "c", level: .char)
        XCTAssertEqual(corpus.ids.count, 101)
        XCTAssertEqual(corpus.splitIndex, 90)
        XCTAssertEqual(corpus.validationIDs.count, 11)
    }

    func testStreamsAreContiguousAndTargetsShiftByOne() {
        let ids = (0..<20).map(Int32.init)
        let streams = BatchStreams(ids: TokenIDs(ids)[...], batch: 3)  // n = 6: [0..6), [6..12), [12..18)
        XCTAssertEqual(streams.streamLength, 6)
        var inputs = [Int32](repeating: -1, count: 6), targets = inputs
        inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in streams.fill(position: 2, steps: 2, inputs: i, targets: t) }
        }
        XCTAssertEqual(inputs, [2, 8, 14, 3, 9, 15])   // row t·B + b
        XCTAssertEqual(targets, [3, 9, 15, 4, 10, 16])
        XCTAssertTrue(streams.fits(position: 3, steps: 2))
        XCTAssertFalse(streams.fits(position: 4, steps: 2))
    }

    func testWordTokenizerKeepsPunctuationAndNewlines() {
        XCTAssertEqual(WordTokenizer.tokenize("The fox's den, at dusk!\nIt ran.", lowercase: true),
                       ["the", "fox's", "den", ",", "at", "dusk", "!", "\n", "it", "ran", "."])
        let corpus = Corpus(text: "a a a b b c", level: .word, minCount: 2)
        XCTAssertEqual(corpus.vocabulary.tokens, ["<unk>", "a", "b"])
        XCTAssertEqual(Array(corpus.ids), [1, 1, 1, 2, 2, 0])
    }

    func testStreamingLoadMatchesTheInMemoryTokenizer() throws {
        let text = "Tale 1: the fox — naïve café, 😀 emoji\nsecond line\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recur-load-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try Corpus.load(path: path, level: .char)
        let inMemory = Corpus(text: text, level: .char)
        XCTAssertEqual(streamed.vocabulary, inMemory.vocabulary)
        XCTAssertEqual(Array(streamed.ids), Array(inMemory.ids))
        let mapped = try Corpus.load(path: path, level: .char, vocabulary: inMemory.vocabulary)
        XCTAssertEqual(Array(mapped.ids), Array(inMemory.ids))
    }

    /// A multi-byte character split across two chunks is carried over, not refused.
    func testDecodingAcrossChunkBoundaries() throws {
        let bytes = Array("a€😀b".utf8)
        for split in 1..<bytes.count {
            var scalars: [UInt32] = []
            let first = Array(bytes[..<split])
            let used = try first.withUnsafeBufferPointer { try Corpus.decodeUTF8($0, final: false, offset: 0, name: "t") { scalars.append($0) } }
            let rest = Array(bytes[used...])
            _ = try rest.withUnsafeBufferPointer { try Corpus.decodeUTF8($0, final: true, offset: used, name: "t") { scalars.append($0) } }
            XCTAssertEqual(scalars, "a€😀b".unicodeScalars.map(\.value), "split at \(split)")
        }
        let bad: [UInt8] = [0x61, 0xE2, 0x28]
        XCTAssertThrowsError(try bad.withUnsafeBufferPointer { try Corpus.decodeUTF8($0, final: true, offset: 100, name: "t") { _ in } }) {
            XCTAssertTrue("\($0)".contains("offset 102"), "\($0)")
        }
    }

    func testTooSmallCorpusIsAClearError() {
        let corpus = Corpus(text: String(repeating: "abc", count: 10), level: .char)
        var random = RandomGenerator(seed: 1)
        let model = LanguageModel(config: ModelConfig(vocabularySize: 3, embed: 2, hidden: 2), random: &random)
        XCTAssertThrowsError(try Trainer(model: model, corpus: corpus, config: TrainingConfig(sequenceLength: 16, batch: 4))) {
            XCTAssertTrue("\($0)".contains("corpus too small"), "\($0)")
        }
    }
}
