// CRLF and byte-order marks: every text reader sees what it would see in the Unix copy.
import Foundation
import XCTest
@testable import RecurEngine

final class LineEndTests: XCTestCase {
    func testLinesSplitAtEveryLineEnd() {
        XCTAssertEqual(LineEnds.lines("\u{FEFF}a b\r\nc\rd\n\ne"), ["a b", "c", "d", "", "e"])
    }

    func testCharacterCorpusDropsTheMarkAndTheReturnOfCRLF() throws {
        let unix = Corpus(text: "ab\ncd\n", level: .char)
        let windows = Corpus(text: "\u{FEFF}ab\r\ncd\r\n", level: .char)
        XCTAssertEqual(windows.vocabulary, unix.vocabulary)
        XCTAssertEqual(Array(windows.ids), Array(unix.ids))
        // A lone \r is a character, and a mark inside the text is kept.
        XCTAssertEqual(Corpus(text: "a\rb\u{FEFF}", level: .char).vocabulary.tokens, ["\r", "a", "b", "\u{FEFF}"])
        XCTAssertEqual(LineEnds.characterScalars("x\r").map(\.value), [0x78, 0x0D], "a final \\r is kept")
    }

    func testStreamedCharacterCorpusMatchesTheInMemoryOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = "\u{FEFF}" + String(repeating: "first line\r\nsecond\rline\r\n", count: 50)
        let path = folder.appendingPathComponent("windows.txt").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let streamed = try Corpus.load(path: path, level: .char)
        let unix = Corpus(text: String(repeating: "first line\nsecond\rline\n", count: 50), level: .char)
        XCTAssertEqual(streamed.vocabulary, unix.vocabulary)
        XCTAssertEqual(Array(streamed.ids), Array(unix.ids))
        // Word level and word2vec: no \r or mark inside a word.
        let words = try Corpus.load(path: path, level: .word)
        XCTAssertFalse(words.vocabulary.tokens.contains { $0.contains("\r") || $0.contains("\u{FEFF}") }, "\(words.vocabulary.tokens)")
        let word2vec = try Word2VecCorpus.load(path: path, minCount: 1, lowercase: false)
        XCTAssertEqual(Set(word2vec.words), ["first", "line", "second"])
        XCTAssertEqual(word2vec.rawWordCount, 200)
    }
}
