// The streaming word reader (Corpus.load at word level) against the in-memory path
// (Corpus(text:level:)), which tokenizes the whole String: the same vocabulary, in the
// same order, and the same ids, for texts mixing words, punctuation, line ends, case and
// characters outside ASCII; and the same mapping onto a given vocabulary.
import Foundation
import XCTest
@testable import RecurEngine

final class WordCorpusReaderTests: XCTestCase {
    static let pieces = ["the", "The", "THE", "fox", "Fox", "ran", "don't", "well-known", "-", "'", "42", "3.5", ".", ",", "!",
                         "\n", "\r\n", " ", "  ", "\t", "\u{212A}elvin", "Kelvin", "\u{C5}ngstr\u{F6}m", "ÉCOLE", "école", "e\u{301}cole",
                         "日本語", "\u{FEFF}", "\u{1F600}", "Ⅻ", "\u{7}", "ß", "İstanbul", "ΣΟΦΟΣ"]

    func randomText(seed: UInt64, count: Int) -> String {
        var random = RandomGenerator(seed: seed)
        var text = ""
        for _ in 0..<count {
            text += Self.pieces[Int(random.next() % UInt64(Self.pieces.count))]
            if random.next() % 3 == 0 { text += " " }
        }
        return text
    }

    func testStreamingReaderMatchesTheWholeTextTokenizer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-words-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for seed in 1...6 {
            let text = randomText(seed: UInt64(seed), count: 3000)
            let path = folder.appendingPathComponent("t\(seed).txt").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            for lowercase in [false, true] {
                for minCount in [1, 3] {
                    let expected = Corpus(text: try Corpus.readText(at: path), level: .word, minCount: minCount, lowercase: lowercase)
                    let streamed = try Corpus.load(path: path, level: .word, minCount: minCount, lowercase: lowercase)
                    let context = "seed \(seed), lowercase \(lowercase), min-count \(minCount)"
                    XCTAssertEqual(streamed.vocabulary.tokens.count, expected.vocabulary.tokens.count, context)
                    XCTAssertTrue(zip(streamed.vocabulary.tokens, expected.vocabulary.tokens).allSatisfy { TokenKey.same($0, $1) }, context)
                    XCTAssertTrue(streamed.ids.elementsEqual(expected.ids), context)
                    let mapped = try Corpus.load(path: path, level: .word, lowercase: lowercase, vocabulary: expected.vocabulary)
                    XCTAssertTrue(mapped.ids.elementsEqual(try Corpus(text: try Corpus.readText(at: path), vocabulary: expected.vocabulary, lowercase: lowercase).ids), context)
                }
            }
        }
    }
}
