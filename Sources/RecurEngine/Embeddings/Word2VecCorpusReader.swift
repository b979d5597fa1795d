// word2vec's corpus read as word2vec.c and gensim's LineSentence read it, straight from
// the file's bytes on every core (CorpusFileReader): words are separated by spaces and
// tabs, a line (ended by \n, \r\n, \r, \v, \f, U+0085, U+2028 or U+2029, Swift's
// Character.isNewline) is a sentence, and words are told apart by their exact bytes. The
// ranges are merged in file order, so words, counts and ties come out as one thread
// would give them (#20: the String-based reader took 26 s and 751 MB for 87 MB).
import Foundation

extension Word2VecCorpus {
    /// Reads the corpus at `path`; `progress` gets the fraction done (0…1), reading and
    /// counting alike.
    public static func load(path: String, minCount: Int, lowercase: Bool, progress: ((Double) -> Void)? = nil) throws -> Word2VecCorpus {
        try load(path: path, minCount: minCount, lowercase: lowercase, threads: nil, progress: progress)
    }

    /// `threads` (nil: one per core) and `chunkBytes` pinned, for tests.
    static func load(path: String, minCount: Int, lowercase: Bool, threads: Int?, chunkBytes: Int = CorpusFileReader.chunkSize,
                     progress: ((Double) -> Void)?) throws -> Word2VecCorpus {
        let size = try Corpus.fileSize(path)
        var parts = try CorpusFileReader.scan(path: path, size: size, threads: threads ?? CorpusFileReader.threadCount(size: size),
                                              chunkBytes: chunkBytes, progress: progress.map { report in { report(0.95 * $0) } }) { bytes in
            Word2VecScanner(tally: WordTally(vocabulary: nil, expectedWords: bytes / 4), lowercase: lowercase, name: path)
        }
        parts[parts.count - 1].endFile()
        var tallies = parts.map(\.tally)
        parts = []
        let corpus = try Word2VecCorpus(tallies: &tallies, minCount: minCount)
        progress?(1)
        return corpus
    }

    /// Reads a text already in memory, by the same rule.
    public init(text: String, minCount: Int, lowercase: Bool) throws {
        var scanner = Word2VecScanner(tally: WordTally(vocabulary: nil, expectedWords: text.utf8.count / 4), lowercase: lowercase, name: "text")
        var text = text
        try text.withUTF8 { try scanner.scan($0, offset: 0) }
        scanner.endFile()
        var tallies = [scanner.tally]
        try self.init(tallies: &tallies, minCount: minCount)
    }

    /// The vocabulary (words seen `minCount` times, most frequent first, ties: first seen
    /// first) and the kept words' ids, with one −1 between sentences.
    private init(tallies: inout [WordTally], minCount: Int) throws {
        let merged = WordTally.merge(tallies)
        let kept = merged.counts.indices.filter { merged.counts[$0] >= minCount }
            .sorted { merged.counts[$0] != merged.counts[$1] ? merged.counts[$0] > merged.counts[$1] : $0 < $1 }
        guard kept.count >= 2 else {
            throw RecurError.invalidCorpus("fewer than 2 words occur at least --min-count \(minCount) times; lower --min-count or give more text")
        }
        var remap = [Int32](repeating: -1, count: merged.counts.count)
        for (newID, oldID) in kept.enumerated() { remap[oldID] = Int32(newID) }
        var tokens: [Int32] = []
        tokens.reserveCapacity(tallies.reduce(0) { $0 + $1.ids.count })
        var last: Int32 = -1
        for part in tallies.indices {
            let numbering = merged.numbering[part]
            tallies[part].ids.withUnsafeBufferPointer { ids in
                for id in ids {
                    if id < 0 {
                        // A sentence ends only after a kept word, and only once.
                        if last >= 0 { tokens.append(-1) }
                        last = -1
                    } else {
                        let word = remap[Int(numbering?[Int(id)] ?? id)]
                        if word >= 0 {
                            tokens.append(word)
                            last = word
                        }
                    }
                }
            }
            tallies[part].clearIDs()
        }
        self.init(words: kept.map(merged.interner.spelling), counts: kept.map { Int64(merged.counts[$0]) }, tokens: tokens,
                  rawWordCount: merged.counts.reduce(0, +))
    }
}

/// One thread's share of a word2vec corpus: words and line ends into a WordTally.
struct Word2VecScanner: CorpusChunkScanner {
    private(set) var tally: WordTally
    let lowercase: Bool
    /// The file's name, for errors.
    let name: String
    /// Whether the line being read has a word yet (a chunk may end inside a long line).
    private var lineHasWords = false
    private var lowered: [UInt8] = []

    init(tally: WordTally, lowercase: Bool, name: String) {
        self.tally = tally
        self.lowercase = lowercase
        self.name = name
    }

    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, offset: Int) throws {
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        // A leading byte-order mark only encodes the file (LineEnds).
        var index = offset == 0 && count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
        var wordStart = -1
        var hasUppercaseASCII = false, isASCII = true
        while index < count {
            let byte = base[index]
            let ends: (word: Bool, line: Bool), length: Int
            if byte < 0x80 {
                if byte == 0 { throw Corpus.binaryCorpus(offset: offset + index, name: name) }
                ends = (byte == 0x20 || byte == 0x09 || (0x0A...0x0D).contains(byte), (0x0A...0x0D).contains(byte))
                length = 1
            } else {
                // Chunks end after an ASCII byte or at the file's end, so a cut sequence is an error.
                let (scalar, scalarLength) = try Corpus.decodeMultibyte(chunk, at: index, final: true, offset: offset, name: name)!
                let lineEnd = scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029
                ends = (lineEnd, lineEnd)
                length = scalarLength
            }
            if !ends.word {
                if wordStart < 0 { wordStart = index }
                if byte &- 0x41 < 26 { hasUppercaseASCII = true }
                if byte >= 0x80 { isASCII = false }
            } else if wordStart >= 0 {
                add(UnsafeBufferPointer(start: base + wordStart, count: index - wordStart), isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII)
                wordStart = -1
                hasUppercaseASCII = false
                isASCII = true
            }
            if ends.line { endLine() }
            index += length
        }
        if wordStart >= 0 {
            add(UnsafeBufferPointer(start: base + wordStart, count: count - wordStart), isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII)
        }
        tally.drain()
    }

    /// Counts a word, lowercased first when asked (a copy only when that changes it).
    private mutating func add(_ word: UnsafeBufferPointer<UInt8>, isASCII: Bool, hasUppercaseASCII: Bool) {
        tally.add(word, lowercase: lowercase, isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII, scratch: &lowered)
        lineHasWords = true
    }

    private mutating func endLine() {
        if lineHasWords { tally.endLine() }
        lineHasWords = false
    }

    /// Ends the last line, which may have no line end.
    mutating func endFile() {
        endLine()
        tally.drain()
    }
}
