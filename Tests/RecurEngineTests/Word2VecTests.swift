// word2vec on the project's own sample: the loss falls and neighbours land in the word
// classes the generator used (samples/classes.txt); corpus preparation as word2vec does it.
import CRecurKernels
import Foundation
import XCTest
@testable import RecurEngine

final class Word2VecTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")

    func testCorpusPreparationDropsRareWordsAndMarksSentences() throws {
        let corpus = try Word2VecCorpus(text: "a b a c\n\nb a d\n", minCount: 2, lowercase: false)
        XCTAssertEqual(corpus.words, ["a", "b"])
        XCTAssertEqual(corpus.counts, [3, 2])
        XCTAssertEqual(corpus.tokens, [0, 1, 0, -1, 1, 0, -1])
        XCTAssertEqual(corpus.rawWordCount, 7)
        XCTAssertThrowsError(try Word2VecCorpus(text: "a b c", minCount: 2, lowercase: false))
    }

    /// Chunks cover the tokens in order, end at sentence breaks, and cut a run without
    /// breaks only where the C loop cuts it (multiples of RECUR_W2V_MAX_SENTENCE from the
    /// run's start), so a one-line text is shared between threads too.
    func testChunksFollowTheTextAndItsSentences() {
        func chunks(_ tokens: [Int32], size: Int) -> [Range<Int>] {
            tokens.withUnsafeBufferPointer { Word2VecTrainer.chunks($0, size: size) }
        }
        let tokens: [Int32] = [0, 1, -1, 2, 3, 4, -1, 5, 6, -1, 7]
        XCTAssertEqual(chunks(tokens, size: 3), [0..<3, 3..<7, 7..<10, 10..<11])
        XCTAssertEqual(chunks(tokens, size: 100), [0..<11])
        let run = Int(RECUR_W2V_MAX_SENTENCE)
        let oneLine = [Int32](repeating: 1, count: 2 * run + 5)
        XCTAssertEqual(chunks(oneLine, size: 10), [0..<run, run..<2 * run, 2 * run..<2 * run + 5])
        // After a break, runs are counted from the break.
        let mixed = [Int32](repeating: 1, count: 3) + [-1] + [Int32](repeating: 1, count: run + 2)
        XCTAssertEqual(chunks(mixed, size: 2), [0..<4, 4..<4 + run, 4 + run..<mixed.count])
    }

    /// Subsampling keeps a word's occurrence with gensim's probability
    /// (√(c/T) + 1)·T/c, T = sample · Σ counts, capped at 1 — and, drawn many times, the
    /// kept share matches it.
    func testSubsamplingThresholdsFollowGensim() {
        let counts: [Int64] = [50_000, 5_000, 500, 50, 5]
        var keep = [UInt32](repeating: 0, count: counts.count)
        recur_w2v_keep_thresholds(counts, Int32(counts.count), 1e-3, &keep)
        let threshold = 1e-3 * Double(counts.reduce(0, +))
        var random = RandomGenerator(seed: 4)
        for (index, count) in counts.enumerated() {
            let probability = min(((Double(count) / threshold).squareRoot() + 1) * threshold / Double(count), 1)
            XCTAssertEqual(Double(keep[index]) / Double(UInt32.max), probability, accuracy: 1e-9, "word \(index)")
            let kept = (0..<100_000).filter { _ in UInt32(truncatingIfNeeded: random.next()) <= keep[index] }.count
            XCTAssertEqual(Double(kept) / 100_000, probability, accuracy: 0.01)
        }
        XCTAssertEqual(keep.last, UInt32.max, "rare words are always kept")
    }

    /// The noise distribution: draws from the alias table follow count^0.75.
    func testNegativeSamplesFollowTheUnigramPowerLaw() {
        let counts: [Int64] = [1000, 100, 10, 1]
        var table = [UInt64](repeating: 0, count: counts.count)
        XCTAssertEqual(recur_w2v_build_noise_table(counts, Int32(counts.count), 0.75, &table), 0)
        let weights = counts.map { pow(Double($0), 0.75) }
        let total = weights.reduce(0, +)
        // Entry i: a 32-bit threshold and an alternative id (see RecurWord2Vec.h).
        var random = RandomGenerator(seed: 9)
        var histogram = [Int](repeating: 0, count: counts.count)
        for _ in 0..<200_000 {
            let column = Int(random.next() % UInt64(counts.count))
            let entry = table[column]
            let threshold = UInt32(truncatingIfNeeded: entry), alternative = Int(entry >> 32)
            histogram[UInt32(truncatingIfNeeded: random.next()) < threshold ? column : alternative] += 1
        }
        for index in counts.indices {
            XCTAssertEqual(Double(histogram[index]) / 200_000, weights[index] / total, accuracy: 0.005, "word \(index)")
        }
    }

    func testSettingsAreValidated() {
        var settings = Word2VecSettings()
        settings.negative = 0
        XCTAssertThrowsError(try settings.validate())
        settings.hierarchicalSoftmax = true
        XCTAssertNoThrow(try settings.validate())
        settings.window = 0
        XCTAssertThrowsError(try settings.validate())
        XCTAssertEqual(Word2VecSettings().startingAlpha, 0.05)
    }

    func train(_ architecture: Word2VecArchitecture) throws -> (WordVectors, Word2VecResult) {
        let text = try String(contentsOf: Self.samples.appendingPathComponent("default.txt"), encoding: .utf8)
        let corpus = try Word2VecCorpus(text: text, minCount: 5, lowercase: true)
        var settings = Word2VecSettings()
        settings.architecture = architecture
        settings.dimension = 50
        settings.threads = 1
        settings.epochs = 5
        let trainer = try Word2VecTrainer(corpus: corpus, settings: settings)
        var losses: [Double] = []
        let result = trainer.train { if let loss = $0.loss { losses.append(loss) } }
        return (try trainer.vectors, result)
    }

    /// For every class word, most of its five nearest neighbours are from its class.
    func assertClassesCluster(_ vectors: WordVectors, file: StaticString = #filePath, line: UInt = #line) throws {
        let classes = try String(contentsOf: Self.samples.appendingPathComponent("classes.txt"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { line -> [String] in line.split(separator: ":")[1].split(separator: " ").map(String.init) }
        var same = 0, total = 0
        for members in classes {
            let set = Set(members)
            for word in members where vectors.id(of: word) != nil {
                for neighbour in try vectors.neighbours(of: word, count: 5) {
                    total += 1
                    if set.contains(neighbour.word) { same += 1 }
                }
            }
        }
        XCTAssertGreaterThan(total, 500, file: file, line: line)
        XCTAssertGreaterThan(Double(same) / Double(total), 0.7, "\(same) of \(total) neighbours are in the word's class", file: file, line: line)
    }

    func testCBOWLearnsTheWordClasses() throws {
        let (vectors, result) = try train(.cbow)
        try assertClassesCluster(vectors)
        XCTAssertLessThan(result.finalLoss, 3, "negative-sampling loss per prediction starts near 6·ln 2 ≈ 4.2")
    }

    func testSkipGramLearnsTheWordClasses() throws {
        let (vectors, _) = try train(.skipgram)
        try assertClassesCluster(vectors)
    }
}
