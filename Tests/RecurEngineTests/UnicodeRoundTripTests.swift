// The rule "a checkpoint that Recur writes, Recur reads", held as a property over random
// Unicode texts: canonically equivalent characters (K and the Kelvin sign, Å and the
// Ångström sign, é and e + U+0301), compatibility characters, byte-order marks in the
// middle of a text, the neighbours of the surrogate range, noncharacters and NUL. Each
// text is read as a corpus file at char and word level, trained one step, written and
// read back: either the load refuses it with a one-line reason, or the checkpoint reads
// back with exactly the same tokens, and the text maps onto them exactly as before.
import Foundation
import XCTest
@testable import RecurEngine

final class UnicodeRoundTripTests: XCTestCase {
    /// Scalars chosen to break String-based comparison and JSON round trips.
    static let pool: [UInt32] = [
        0x4B, 0x212A,                // K, KELVIN SIGN (canonically equivalent)
        0xC5, 0x212B, 0x41, 0x30A,   // Å, ANGSTROM SIGN, A + COMBINING RING ABOVE
        0xE9, 0x65, 0x301, 0x308,    // é, e, combining acute, combining diaeresis
        0x3A9, 0x2126,               // Ω, OHM SIGN
        0xFB01, 0xFF21, 0x2460,      // ﬁ ligature, fullwidth A, circled 1 (compatibility)
        0xFEFF,                      // byte-order mark, here anywhere in the text
        0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF, // around the surrogates, noncharacters
        0x200D, 0x202E, 0x2028, 0x85, 0x0B, 0x0C, // joiner, right-to-left override, line/next-line separators
        0x0D, 0x0A, 0x20, 0x20, 0x20, 0x09,        // line ends and spaces (weighted)
        0x61, 0x62, 0x63, 0x27, 0x2D, 0x2E,        // a b c ' - .
    ]

    func randomText(_ random: inout RandomGenerator, withNUL: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        let length = 300 + Int(random.next() % 300)
        for _ in 0..<length {
            scalars.append(Unicode.Scalar(Self.pool[Int(random.next() % UInt64(Self.pool.count))])!)
        }
        if withNUL { scalars.insert(Unicode.Scalar(0)!, at: scalars.index(scalars.startIndex, offsetBy: length / 2)) }
        return String(scalars)
    }

    func testEveryCheckpointRecurWritesItReads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-unicode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = RandomGenerator(seed: 27)
        var written = 0, refused = 0
        for trial in 0..<30 {
            let text = randomText(&random, withNUL: trial % 10 == 9)
            let corpusPath = folder.appendingPathComponent("text\(trial).txt").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: corpusPath))
            for level in [TokenLevel.char, .word] {
                let context = "trial \(trial), \(level) level, text \(text.unicodeScalars.map { String($0.value, radix: 16) }.prefix(40))…"
                let corpus: Corpus
                do {
                    corpus = try Corpus.load(path: corpusPath, level: level)
                    try Checkpoint.checkVocabularyFits(corpus.vocabulary)
                } catch let error as RecurError {
                    XCTAssertFalse(error.description.contains("\n"), "a refusal is one line: \(error) (\(context))")
                    refused += 1
                    continue
                }
                guard corpus.vocabulary.count >= 2 else { continue }
                var modelRandom = RandomGenerator(seed: 1)
                let config = ModelConfig(cell: .lstm, vocabularySize: corpus.vocabulary.count, embed: 4, hidden: 6, layers: 1, dropout: 0)
                let trainer = try Trainer(model: LanguageModel(config: config, random: &modelRandom), corpus: corpus,
                                          config: TrainingConfig(sequenceLength: 4, batch: 2, seed: 1, schedule: .constant))
                trainer.trainStep()
                let path = folder.appendingPathComponent("run\(trial)-\(level).safetensors").path
                try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
                let read: Checkpoint
                do {
                    read = try Checkpoint.read(from: path)
                } catch {
                    XCTFail("Recur cannot read its own checkpoint: \(error) (\(context))")
                    continue
                }
                written += 1
                // The up-front header check never counts less than the writer stores.
                let inner = String(decoding: try JSONEncoder().encode(corpus.vocabulary.tokens), as: UTF8.self)
                let stored = SafeTensors.escapingByteOrderMarks(try JSONSerialization.data(withJSONObject: [inner])).count
                XCTAssertLessThanOrEqual(stored, Checkpoint.storedVocabularyBound(corpus.vocabulary.tokens), context)
                XCTAssertEqual(read.vocabulary.tokens.count, corpus.vocabulary.tokens.count, context)
                for (ours, theirs) in zip(read.vocabulary.tokens, corpus.vocabulary.tokens) where !TokenKey.same(ours, theirs) {
                    XCTFail("token \(theirs.debugDescription) read back as \(ours.debugDescription) (\(context))")
                }
                // The text maps onto the read vocabulary exactly as it did (what resuming does).
                let again = try Corpus.load(path: corpusPath, level: level, vocabulary: read.vocabulary)
                XCTAssertTrue(again.ids.elementsEqual(corpus.ids), "the text tokenizes differently against the read vocabulary (\(context))")
            }
        }
        XCTAssertGreaterThan(written, 40, "most texts train and round-trip")
        XCTAssertGreaterThan(refused, 0, "texts holding NUL are refused before training")
    }

    /// Canonically equivalent spellings are different tokens everywhere tokens are
    /// looked up: the vocabulary, the word tokenizer's counts, word2vec and vectors.
    func testCanonicallyEquivalentTokensStayApart() throws {
        let kelvin = "\u{212A}", angstrom = "\u{212B}", ring = "\u{C5}"
        let decomposed = "e\u{301}", composed = "\u{E9}"
        XCTAssertEqual(kelvin, "K", "Swift's String equality is canonical equivalence: the reason for TokenKey")
        let chars = Corpus(text: "K\(kelvin)K\(kelvin)", level: .char)
        XCTAssertEqual(chars.vocabulary.count, 2)
        XCTAssertNotEqual(chars.vocabulary.id(of: "K"), chars.vocabulary.id(of: kelvin))
        let words = Corpus(text: "\(ring) \(angstrom) \(ring) \(angstrom) K \(kelvin)", level: .word)
        XCTAssertEqual(words.vocabulary.count, 5, "<unk>, Å, the Ångström sign, K and the Kelvin sign: \(words.vocabulary.tokens)")
        XCTAssertNotEqual(words.vocabulary.id(of: ring), words.vocabulary.id(of: angstrom))
        XCTAssertEqual(words.vocabulary.tokens.filter { TokenKey.same($0, kelvin) }.count, 1)
        let w2v = try Word2VecCorpus(text: "\(composed) \(decomposed) \(composed) \(decomposed)\n", minCount: 1, lowercase: false)
        XCTAssertEqual(w2v.words.count, 2)
        let vectors = try WordVectors(words: [composed, decomposed], dimension: 1, vectors: [1, 2])
        XCTAssertEqual(vectors.id(of: composed), 0)
        XCTAssertEqual(vectors.id(of: decomposed), 1)
    }

    /// The header's 64 MiB cap is checked before training, with the reason (#27: 70
    /// distinct 1 MB words trained, wrote a 70 MB checkpoint, then could not read it);
    /// a vocabulary well inside it passes. Scaled down (a 1 MiB allowance instead of 60,
    /// words of 100 kB), because scanning 70 MB of words takes a debug build a minute.
    func testAVocabularyTooLargeForTheHeaderIsRefusedBeforeTraining() throws {
        func words(_ count: Int, bytes: Int) -> [String] {
            (0..<count).map { String(repeating: "w", count: bytes - 8) + String(format: "%08d", $0) }
        }
        let limit = Checkpoint.headerReserve + (1 << 20)
        let tooLarge = Vocabulary(level: .word, tokens: [WordTokenizer.unknown] + words(12, bytes: 100_000))
        XCTAssertThrowsError(try Checkpoint.checkVocabularyFits(tooLarge, headerLimit: limit)) { error in
            XCTAssertTrue("\(error)".contains("MiB") && "\(error)".contains("--min-count"), "\(error)")
        }
        let fits = Vocabulary(level: .word, tokens: [WordTokenizer.unknown] + words(9, bytes: 100_000))
        XCTAssertNoThrow(try Checkpoint.checkVocabularyFits(fits, headerLimit: limit))
        XCTAssertNoThrow(try Checkpoint.checkVocabularyFits(tooLarge), "the real cap is 64 MiB")
    }
}
