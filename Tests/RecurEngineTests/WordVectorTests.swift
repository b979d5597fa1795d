// Word vectors: every file format in both directions, the query maths, evaluation and
// the 2-D projections.
import Foundation
import XCTest
@testable import RecurEngine

final class WordVectorTests: XCTestCase {
    // king − man + woman ≈ queen in a hand-made space: axes (royal, male, female, fruit).
    static let sample = try! WordVectors(words: ["king", "queen", "man", "woman", "apple", "prince"], dimension: 4, vectors: [
        0.9, 0.8, 0.0, 0.0,
        0.9, 0.0, 0.8, 0.0,
        0.1, 0.9, 0.0, 0.0,
        0.1, 0.0, 0.9, 0.0,
        0.0, 0.0, 0.1, 1.0,
        0.8, 0.7, 0.0, 0.1,
    ])

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-vectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testEveryFormatRoundTrips() throws {
        for format in [VectorFormat.text, .binary, .glove] {
            let path = folder.appendingPathComponent("v.\(format)").path
            try Self.sample.write(to: path, format: format)
            let read = try WordVectors(contentsOf: path)
            XCTAssertEqual(read.words, Self.sample.words, "\(format)")
            XCTAssertEqual(read.vectors, Self.sample.vectors, "\(format)")
        }
        let text = try String(contentsOfFile: folder.appendingPathComponent("v.text").path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("6 4\nking 0.9 0.8 0.0 0.0\n"), text)
        let glove = try String(contentsOfFile: folder.appendingPathComponent("v.glove").path, encoding: .utf8)
        XCTAssertTrue(glove.hasPrefix("king 0.9 0.8 0.0 0.0\n"), glove)
    }

    func testBinaryWithoutNewlinesAsGensimWritesIt() throws {
        var data = Data("2 3\n".utf8)
        for (word, values) in [("a", [Float(1), 2, 3]), ("b", [Float(-1), 0.5, 0])] {
            data.append(Data("\(word) ".utf8))
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        let read = try WordVectors(data: data, name: "gensim.bin")
        XCTAssertEqual(read.words, ["a", "b"])
        XCTAssertEqual(read.vectors, [1, 2, 3, -1, 0.5, 0])
    }

    func testProjectorWritesVectorsAndMetadata() throws {
        let path = folder.appendingPathComponent("vectors.tsv").path
        try Self.sample.write(to: path, format: .projector)
        let vectors = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let metadata = try String(contentsOfFile: folder.appendingPathComponent("metadata.tsv").path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(vectors.first, "0.9\t0.8\t0.0\t0.0")
        XCTAssertEqual(metadata, ["king", "queen", "man", "woman", "apple", "prince"])
    }

    /// A projector pair reads back from its vectors.tsv with the words of metadata.tsv;
    /// without metadata.tsv it is refused by name, never read as GloVe with numbers for words.
    func testAProjectorPairReadsBackAndAloneIsRefused() throws {
        let path = folder.appendingPathComponent("vectors.tsv").path
        try Self.sample.write(to: path, format: .projector)
        let read = try WordVectors(contentsOf: path)
        XCTAssertEqual(read.words, Self.sample.words)
        XCTAssertEqual(read.vectors, Self.sample.vectors)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("metadata.tsv"))
        XCTAssertThrowsError(try WordVectors(contentsOf: path)) {
            XCTAssertTrue("\($0)".contains("looks like a TensorBoard projector vectors.tsv"), "\($0)")
        }
        try Data("a\nb\n".utf8).write(to: folder.appendingPathComponent("metadata.tsv"))
        XCTAssertThrowsError(try WordVectors(contentsOf: path)) { XCTAssertTrue("\($0)".contains("does not match"), "\($0)") }
    }

    func testBrokenFilesAreClearErrors() {
        XCTAssertThrowsError(try WordVectors(data: Data("lonely\n".utf8), name: "f")) {
            XCTAssertTrue("\($0)".contains("line 1 is a word with no numbers"), "\($0)")
        }
        XCTAssertThrowsError(try WordVectors(data: Data("3 2\na 1 2\nb 1\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("line 3 has 1 numbers"), "\($0)") }
        XCTAssertThrowsError(try WordVectors(data: Data("3 2\na 1 2\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("promises 3 words"), "\($0)") }
        XCTAssertThrowsError(try WordVectors(data: Data("a 1 x\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("not a number"), "\($0)") }
        var truncated = Data("2 3\na ".utf8)
        truncated.append(contentsOf: [0, 0, 0x80, 0x3F, 0, 0])
        XCTAssertThrowsError(try WordVectors(data: truncated, name: "f")) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }
    }

    /// A header's counts are bounded by the file's size before anything is reserved, and
    /// binary vectors must be finite as text ones must.
    func testHostileVectorFilesAreRefused() {
        var huge = Data("1000000000000 300\na ".utf8)
        huge.append(Data(count: 1200))
        XCTAssertThrowsError(try WordVectors(data: huge, name: "f")) { XCTAssertTrue("\($0)".contains("can hold at most"), "\($0)") }
        XCTAssertThrowsError(try WordVectors(data: Data("5 1000000\na 1\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("out of range"), "\($0)") }
        XCTAssertThrowsError(try WordVectors(data: Data("1000000000000 2\na 1 2\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("promises"), "\($0)") }
        for bad in [Float.nan, .infinity] {
            var binary = Data("1 2\nword ".utf8)
            withUnsafeBytes(of: Float(1)) { binary.append(contentsOf: $0) }
            withUnsafeBytes(of: bad) { binary.append(contentsOf: $0) }
            binary.append(0x0A)
            XCTAssertThrowsError(try WordVectors(data: binary, name: "f")) { XCTAssertTrue("\($0)".contains("not a finite number"), "\($0)") }
        }
        XCTAssertThrowsError(try WordVectors(data: Data("a 1 nan\n".utf8), name: "f")) { XCTAssertTrue("\($0)".contains("not a number"), "\($0)") }
    }

    /// CRLF line ends and a byte-order mark read as gensim reads them, in every format.
    func testCRLFAndByteOrderMarkReadAsUnixText() throws {
        let unix = try WordVectors(data: Data("2 2\nking 1 2\nqueen 3 4\n".utf8), name: "unix")
        for text in ["2 2\r\nking 1 2\r\nqueen 3 4\r\n", "\u{FEFF}2 2\r\nking 1 2\r\nqueen 3 4\r\n", "\u{FEFF}king 1 2\r\nqueen 3 4\r\n"] {
            let read = try WordVectors(data: Data(text.utf8), name: "crlf")
            XCTAssertEqual(read.words, unix.words, text.debugDescription)
            XCTAssertEqual(read.vectors, unix.vectors, text.debugDescription)
        }
        var binary = Data("\u{FEFF}2 2\r\n".utf8)
        for (word, values) in [("king", [Float(1), 2]), ("queen", [3, 4])] {
            binary.append(Data(word.utf8 + [0x20]))
            values.withUnsafeBytes { binary.append(contentsOf: $0) }
            binary.append(contentsOf: [0x0D, 0x0A])
        }
        let read = try WordVectors(data: binary, name: "binary")
        XCTAssertEqual(read.words, unix.words)
        XCTAssertEqual(read.vectors, unix.vectors)
    }

    func testEvaluationFilesWithCRLF() throws {
        let report = try Self.sample.evaluateAnalogies("\u{FEFF}: royals\r\nman king woman queen\r\nking man queen woman\r\n")
        XCTAssertEqual(report.sections.map(\.answered), [2])
        let pairs = try Self.sample.evaluatePairs("king queen 9\r\nking apple 1\r\nman woman 8\r\n")
        XCTAssertEqual(pairs.pairs, 3)
    }

    func testAnalogyAndNeighbours() throws {
        let answer = try Self.sample.analogy("man", "king", "woman", count: 2)
        XCTAssertEqual(answer.first?.word, "queen")
        XCTAssertFalse(answer.contains { ["man", "king", "woman"].contains($0.word) }, "inputs are excluded")
        let neighbours = try Self.sample.neighbours(of: "king", count: 5)
        XCTAssertEqual(neighbours.first?.word, "prince")
        XCTAssertEqual(neighbours.last?.word, "apple")
        // Cosine of king and prince by hand.
        let dot: Float = 0.9 * 0.8 + 0.8 * 0.7
        let expected = dot / ((0.81 + 0.64) as Float).squareRoot() / ((0.64 + 0.49 + 0.01) as Float).squareRoot()
        XCTAssertEqual(neighbours[0].similarity, expected, accuracy: 1e-6)
    }

    func testUnknownWordsSuggestCloseEntries() {
        XCTAssertThrowsError(try Self.sample.neighbours(of: "qeen", count: 3)) {
            XCTAssertTrue("\($0)".contains("did you mean: queen"), "\($0)")
        }
    }

    func testEvaluation() throws {
        let report = try Self.sample.evaluateAnalogies(": royals\nman king woman queen\nMAN KING WOMAN PRINCE\nman king dog cat\n")
        XCTAssertEqual(report.answered, 2)
        XCTAssertEqual(report.correct, 1)
        XCTAssertEqual(report.skipped, 1)
        XCTAssertEqual(report.sections.first?.name, "royals")
        let pairs = try Self.sample.evaluatePairs("# word word score\nking prince 9\nking queen 5\nking apple 0.5\nking unicorn 3\n")
        XCTAssertEqual(pairs.spearman, 1, accuracy: 1e-12)
        XCTAssertEqual(pairs.pairs, 3)
        XCTAssertEqual(pairs.outOfVocabularyShare, 0.25, accuracy: 1e-12)
        XCTAssertEqual(Statistics.ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
    }

    func testPCAFindsTheDirectionOfLargestVariance() {
        // Points along (1, 1, 0) with a little spread along z.
        var points: [Float] = []
        for i in 0..<20 { points += [Float(i), Float(i), Float(i % 2) * 0.1] }
        let projected = PCA.project(points, count: 20, dimension: 3)
        let first = stride(from: 0, to: 40, by: 2).map { projected[$0] }
        for (a, b) in zip(first, first.dropFirst()) { XCTAssertGreaterThan(b, a, "the first axis orders the points along the line") }
        XCTAssertEqual(first.last! - first.first!, Float(19 * 2.0.squareRoot()), accuracy: 1e-3)
    }

    func testTSNESeparatesClusters() throws {
        var random = RandomGenerator(seed: 5)
        var points: [Float] = []
        for cluster in 0..<2 {
            for _ in 0..<15 { points += (0..<5).map { _ in Float(cluster * 10) + random.nextNormal() * 0.3 } }
        }
        let tsne = try TSNE(points: points, count: 30, dimension: 5, perplexity: 5)
        let map = tsne.run(iterations: 1000)
        // Every point's nearest neighbour on the map is from its own cluster, and the
        // clusters' centres lie apart along the map.
        for i in 0..<30 {
            let nearest = (0..<30).filter { $0 != i }.min { a, b in
                func distance(_ j: Int) -> Float { let dx = map[2 * i] - map[2 * j], dy = map[2 * i + 1] - map[2 * j + 1]; return dx * dx + dy * dy }
                return distance(a) < distance(b)
            }!
            XCTAssertEqual(nearest / 15, i / 15, "point \(i)'s nearest neighbour \(nearest) is in the other cluster")
        }
        XCTAssertThrowsError(try TSNE(points: points, count: 30, dimension: 5, perplexity: 40))
    }
}
