// The byte scanners read on several threads (#20) against the references they replaced:
// Recur's word level against the scalar-at-a-time WordTokenizer (Corpus(text:)), and
// word2vec's against the String-based reader it had before (kept below as the
// reference). Same vocabulary in the same order, same counts and ids, on 1, 2 and 3
// threads and with chunks small enough that every cut rule runs: texts with non-ASCII
// words, CRLF and other line ends, byte-order marks and a line far longer than a chunk.
import Foundation
import XCTest
@testable import RecurEngine

final class ParallelCorpusReadingTests: XCTestCase {
    static let pieces = ["the", "The", "THE", "fox", "Fox", "ran", "don't", "well-known", "-", "'", "42", "3.5", ".", ",", "!",
                         "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", " ", "  ", "\t",
                         "\u{212A}elvin", "Kelvin", "\u{C5}ngstr\u{F6}m", "ÉCOLE", "école", "e\u{301}cole", "日本語", "\u{FEFF}",
                         "\u{1F600}", "Ⅻ", "\u{7}", "ß", "İstanbul", "ΣΟΦΟΣ", "ΟΔΟΣ", "naïve-café", "\u{7F}"]
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-parallel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// Random pieces, then one line of `longLine` words with no line end inside it.
    func text(seed: UInt64, count: Int, longLine: Int) -> String {
        var random = RandomGenerator(seed: seed)
        var text = "\u{FEFF}"
        for _ in 0..<count {
            text += Self.pieces[Int(random.next() % UInt64(Self.pieces.count))]
            if random.next() % 3 == 0 { text += " " }
        }
        text += "\n"
        for index in 0..<longLine { text += index % 7 == 0 ? "Ünïcode\t" : "word\(index % 50) " }
        return text + "\r\nlast line without an end"
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let readings: [(threads: Int, chunkBytes: Int)] = [(1, CorpusFileReader.chunkSize), (2, CorpusFileReader.chunkSize),
                                                              (3, CorpusFileReader.chunkSize), (2, 64), (3, 1000), (1, 7)]

    func testWordLevelOnEveryThreadCountMatchesTheTokenizer() throws {
        for seed in 1...3 {
            let text = text(seed: UInt64(seed), count: 4000, longLine: 3000)
            let path = try write(text, "words\(seed).txt")
            let whole = String(LineEnds.droppingByteOrderMark(text))
            for lowercase in [false, true] {
                let expected = Corpus(text: whole, level: .word, minCount: 2, lowercase: lowercase)
                for (threads, chunkBytes) in Self.readings {
                    let context = "seed \(seed), lowercase \(lowercase), \(threads) threads, \(chunkBytes)-byte chunks"
                    let read = try Corpus.loadWords(path: path, minCount: 2, lowercase: lowercase, vocabulary: nil, threads: threads,
                                                    chunkBytes: chunkBytes, progress: nil)
                    XCTAssertEqual(read.vocabulary.tokens.count, expected.vocabulary.tokens.count, context)
                    XCTAssertTrue(zip(read.vocabulary.tokens, expected.vocabulary.tokens).allSatisfy { TokenKey.same($0, $1) }, context)
                    XCTAssertTrue(read.ids.elementsEqual(expected.ids), context)
                    let mapped = try Corpus.loadWords(path: path, minCount: 1, lowercase: lowercase, vocabulary: expected.vocabulary,
                                                      threads: threads, chunkBytes: chunkBytes, progress: nil)
                    XCTAssertTrue(mapped.ids.elementsEqual(expected.ids), context)
                }
            }
        }
    }

    func testWord2VecOnEveryThreadCountMatchesTheStringReader() throws {
        for seed in 1...3 {
            let text = text(seed: UInt64(seed) + 10, count: 4000, longLine: 3000)
            let path = try write(text, "w2v\(seed).txt")
            for lowercase in [false, true] {
                for minCount in [1, 3] {
                    let expected = try StringWord2VecReader(text: String(LineEnds.droppingByteOrderMark(text)), minCount: minCount, lowercase: lowercase)
                    for (threads, chunkBytes) in Self.readings {
                        let context = "seed \(seed), lowercase \(lowercase), min-count \(minCount), \(threads) threads, \(chunkBytes)-byte chunks"
                        let read = try Word2VecCorpus.load(path: path, minCount: minCount, lowercase: lowercase, threads: threads,
                                                           chunkBytes: chunkBytes, progress: nil)
                        XCTAssertEqual(read.words.count, expected.words.count, context)
                        XCTAssertTrue(zip(read.words, expected.words).allSatisfy { TokenKey.same($0, $1) }, context)
                        XCTAssertEqual(read.counts, expected.counts, context)
                        XCTAssertEqual(read.tokens, expected.tokens, context)
                        XCTAssertEqual(read.rawWordCount, expected.rawWordCount, context)
                    }
                }
            }
        }
    }

    /// A bad byte in the second thread's range gives the error one thread gives: the first
    /// bad byte in the file, at its offset, whichever thread meets its own first.
    func testErrorsNameTheFirstBadByteOnAnyThreadCount() throws {
        var bytes = Array(String(repeating: "some words here\n", count: 2000).utf8)
        bytes[bytes.count - 100] = 0xFF
        let lead = 16 * 1000 + 3  // the "e" of "some" on line 1001, in the second half
        bytes[lead] = 0xC3  // a lead byte followed by a space: the first bad byte is the space
        let badUTF8 = folder.appendingPathComponent("bad.txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: badUTF8))
        var nul = Array(String(repeating: "some words here\n", count: 2000).utf8)
        nul[nul.count - 10] = 0
        let binary = folder.appendingPathComponent("nul.txt").path
        try Data(nul).write(to: URL(fileURLWithPath: binary))
        for (path, expected) in [(badUTF8, "bad byte 0x20 at offset \(lead + 1)"), (binary, "a NUL byte at offset \(nul.count - 10)")] {
            for threads in 1...3 {
                XCTAssertThrowsError(try Corpus.loadWords(path: path, minCount: 1, lowercase: false, vocabulary: nil, threads: threads,
                                                          chunkBytes: 1000, progress: nil)) {
                    XCTAssertTrue("\($0)".contains(expected), "\(threads) threads: \($0)")
                }
                XCTAssertThrowsError(try Word2VecCorpus.load(path: path, minCount: 1, lowercase: false, threads: threads, chunkBytes: 1000,
                                                             progress: nil)) {
                    XCTAssertTrue("\($0)".contains(expected), "\(threads) threads: \($0)")
                }
            }
        }
    }

    /// Progress reaches the whole file, and only ever grows.
    /// A corpus given as a symbolic link reads the file it names, whole (its size once came
    /// from the link, the length of a path, and the text was cut to that).
    func testASymbolicLinkReadsTheWholeFile() throws {
        let path = try write(String(repeating: "the words of a linked text on a line\n", count: 3000), "target.txt")
        let link = folder.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        for level in [TokenLevel.word, .char] {
            let direct = try Corpus.load(path: path, level: level)
            let linked = try Corpus.load(path: link, level: level)
            XCTAssertEqual(linked.ids.count, direct.ids.count, "\(level)")
            XCTAssertEqual(linked.vocabulary.tokens, direct.vocabulary.tokens, "\(level)")
        }
        let words = try Word2VecCorpus.load(path: link, minCount: 1, lowercase: false)
        XCTAssertEqual(words.rawWordCount, 3000 * 9)
    }

    func testProgressCoversTheWholeRead() throws {
        let path = try write(String(repeating: "a few words on a line\n", count: 5000), "progress.txt")
        var seen: [Double] = []
        _ = try Corpus.loadWords(path: path, minCount: 1, lowercase: false, vocabulary: nil, threads: 2, chunkBytes: 4096) { seen.append($0) }
        XCTAssertGreaterThan(seen.count, 10)
        XCTAssertEqual(seen.last, 1)
        XCTAssertEqual(seen, seen.sorted())
    }
}

/// The String-based word2vec reader Recur had before #20, kept as the reference: lines
/// split by Character.isNewline, words by spaces and tabs, the whole text lowercased.
struct StringWord2VecReader {
    var words: [String] = []
    var counts: [Int64] = []
    var tokens: [Int32] = []
    var rawWordCount = 0

    init(text: String, minCount: Int, lowercase: Bool) throws {
        var index: [TokenKey: Int32] = [:]
        var spellings: [String] = []
        var counts: [Int64] = []
        var ids: [Int32] = []
        let source = lowercase ? text.lowercased() : text
        for line in source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) where !line.isEmpty {
            var any = false
            for piece in line.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let word = TokenKey(String(piece))
                let id: Int32
                if let known = index[word] {
                    id = known
                } else {
                    id = Int32(spellings.count)
                    index[word] = id
                    spellings.append(word.text)
                    counts.append(0)
                }
                counts[Int(id)] += 1
                ids.append(id)
                any = true
            }
            if any { ids.append(-1) }
        }
        rawWordCount = ids.count - ids.lazy.filter { $0 < 0 }.count
        let kept = counts.indices.filter { counts[$0] >= Int64(minCount) }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        var remap = [Int32](repeating: -1, count: counts.count)
        for (newID, oldID) in kept.enumerated() { remap[oldID] = Int32(newID) }
        for id in ids {
            if id < 0 {
                if let last = tokens.last, last >= 0 { tokens.append(-1) }
            } else if remap[Int(id)] >= 0 {
                tokens.append(remap[Int(id)])
            }
        }
        words = kept.map { spellings[$0] }
        self.counts = kept.map { counts[$0] }
    }
}
