// Word-level corpora read in one streaming pass on every core: each thread scans a range
// of the file (CorpusFileReader, WordScanner), numbering and counting its words as they
// come (WordTally); the ranges are then merged in file order, so every word's number,
// count and id is the one a single thread would give. The vocabulary is chosen after the
// pass, so memory is the ids (4 bytes a word) and the distinct words, never a String per
// word (#20: 87 MB took 33 s and 2.5 GB as an array of Strings).
import Foundation

extension Corpus {
    /// Reads a word-level corpus. With `vocabulary` (a checkpoint's) words it lacks become
    /// `<unk>`; otherwise the vocabulary is built: `<unk>`, then the words seen at least
    /// `minCount` times, most frequent first, ties by their bytes, at most `maxVocabulary`
    /// tokens in all. `threads` (nil: one per core) and `chunkBytes` are pinned by tests. `progress` gets 0…1.
    static func loadWords(path: String, minCount: Int, maxVocabulary: Int? = nil, lowercase: Bool, vocabulary: Vocabulary?,
                          threads: Int? = nil, chunkBytes: Int = CorpusFileReader.chunkSize,
                          progress: ((Double) -> Void)?) throws -> Corpus {
        let size = try fileSize(path)
        var parts = try CorpusFileReader.scan(path: path, size: size, threads: threads ?? CorpusFileReader.threadCount(size: size),
                                              chunkBytes: chunkBytes, progress: progress.map { report in { report(0.95 * $0) } }) { bytes in
            WordScanner(tally: WordTally(vocabulary: vocabulary, expectedWords: bytes / 4), lowercase: lowercase, name: path)
        }.map(\.tally)
        if let vocabulary {
            // Every range numbered its words by the vocabulary itself: the ids are final.
            let ids = WordTally.joinedIDs(&parts) { _, id in id }
            progress?(1)
            return Corpus(ids: TokenIDs(ids), vocabulary: vocabulary)
        }
        let merged = WordTally.merge(parts)
        // Every word left out, rare or past the cap, maps to <unk> (0) below.
        let kept = VocabularyCap.words(frequentWords(merged.interner, counts: merged.counts, minCount: minCount), maxVocabulary: maxVocabulary)
        var rank = [Int32](repeating: 0, count: merged.interner.count)
        for (position, word) in kept.enumerated() { rank[word] = Int32(position + 1) }
        let ids = WordTally.joinedIDs(&parts) { part, id in rank[Int(merged.numbering[part]?[Int(id)] ?? id)] }
        let chosen = Vocabulary(level: .word, tokens: [WordTokenizer.unknown] + kept.map(merged.interner.spelling), lowercase: lowercase)
        progress?(1)
        return Corpus(ids: TokenIDs(ids), vocabulary: chosen)
    }

    /// The words counted at least `minCount` times (never a literal `<unk>`), most
    /// frequent first, ties by their bytes (the order of their scalars).
    static func frequentWords(_ interner: WordInterner, counts: [Int], minCount: Int) -> [Int] {
        let unknown = Array(WordTokenizer.unknown.utf8)
        return counts.indices.filter { counts[$0] >= minCount && !interner.bytes($0).elementsEqual(unknown) }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : interner.bytes($0).lexicographicallyPrecedes(interner.bytes($1)) }
    }
}

/// The words of one range of a text as they stream in: numbered by a WordInterner in
/// order of first appearance and counted, or, with a given vocabulary, looked up in it
/// (words it lacks become `<unk>`). word2vec's reader also marks line ends (−1).
struct WordTally {
    private(set) var interner = WordInterner()
    private(set) var ids: [Int32] = []
    private let fixed: Bool
    private let unknown: Int32

    init(vocabulary: Vocabulary?, expectedWords: Int) {
        // Reserved address space, not memory: pages are only resident once written.
        ids.reserveCapacity(min(expectedWords, 1 << 28))
        fixed = vocabulary != nil
        unknown = vocabulary?.id(of: WordTokenizer.unknown) ?? 0
        // The vocabulary's tokens first, so a word's number is its id (the checkpoint
        // reader has checked that no token repeats).
        for token in vocabulary?.tokens ?? [] {
            var spelling = token
            _ = spelling.withUTF8 { interner.intern($0) }
        }
    }

    /// Words whose slots have been prefetched but not yet looked at, oldest first (a ring
    /// of `lookahead`); a word is a slice of the scanner's chunk, valid until `drain`.
    private var queue = [(start: UnsafePointer<UInt8>?, count: Int, key: UInt64)](repeating: (nil, 0, 0), count: WordTally.lookahead)
    private var queueHead = 0, queued = 0
    /// How many words ahead a slot is prefetched: enough to cover a miss to memory.
    static let lookahead = 8

    /// Counts a word. `stable`: whether its bytes stay valid until the next `drain` (a
    /// slice of the chunk being scanned, not a scratch copy), so its lookup may wait while
    /// its slot is fetched.
    @inline(__always)
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, stable: Bool = false) {
        guard stable else {
            drain()
            ids.append(fixed ? interner.find(bytes) ?? unknown : interner.intern(bytes, occurrences: 1))
            return
        }
        let key = WordInterner.key(bytes)
        interner.prefetch(key: key, length: bytes.count)
        if queued == Self.lookahead { takeOldest() }
        queue[(queueHead + queued) & (Self.lookahead - 1)] = (bytes.baseAddress, bytes.count, key)
        queued += 1
    }

    /// Counts a word of a scanned chunk, lowercased first when `lowercase` (into `scratch`,
    /// a copy only when that changes it): the one rule for word-level text and word2vec.
    @inline(__always)
    mutating func add(_ word: UnsafeBufferPointer<UInt8>, lowercase: Bool, isASCII: Bool, hasUppercaseASCII: Bool,
                      scratch: inout [UInt8]) {
        if lowercase && !isASCII {
            var spelling = String(decoding: word, as: UTF8.self).lowercased()
            spelling.withUTF8 { add($0) }
        } else if lowercase && hasUppercaseASCII {
            scratch.removeAll(keepingCapacity: true)
            for byte in word { scratch.append(byte &- 0x41 < 26 ? byte | 0x20 : byte) }
            scratch.withUnsafeBufferPointer { add($0) }
        } else {
            add(word, stable: true)
        }
    }

    /// Ends a line (word2vec's sentences): −1 in the ids, counted as no word.
    mutating func endLine() {
        if queued == Self.lookahead { takeOldest() }
        queue[(queueHead + queued) & (Self.lookahead - 1)] = (nil, -1, 0)
        queued += 1
    }

    /// Counts every queued word: before the chunk they point into is reused.
    mutating func drain() {
        while queued > 0 { takeOldest() }
    }

    @inline(__always)
    private mutating func takeOldest() {
        let word = queue[queueHead]
        queueHead = (queueHead + 1) & (Self.lookahead - 1)
        queued -= 1
        if word.count < 0 {
            ids.append(-1)
        } else if fixed {
            ids.append(interner.find(UnsafeBufferPointer(start: word.start, count: word.count), key: word.key) ?? unknown)
        } else {
            ids.append(interner.intern(UnsafeBufferPointer(start: word.start, count: word.count), key: word.key, occurrences: 1))
        }
    }

    /// Frees the ids once they have been copied out.
    mutating func clearIDs() { ids = [] }

    /// Consecutive ranges' tallies as one: the first range's words keep their numbers and
    /// each later range's new words are numbered after all earlier ones, in the order
    /// they first appear, which is the numbering one pass over the whole file gives.
    /// `numbering[part]` maps a range's own numbers to the merged ones (nil: the same).
    static func merge(_ parts: [WordTally]) -> (interner: WordInterner, counts: [Int], numbering: [[Int32]?]) {
        var interner = parts[0].interner
        var numbering: [[Int32]?] = [nil]
        for part in parts.dropFirst() {
            let counts = part.interner.counts
            numbering.append((0..<part.interner.count).map { local in
                part.interner.withBytes(local) { interner.intern($0, occurrences: counts[local]) }
            })
        }
        return (interner, interner.counts, numbering)
    }

    /// Every range's ids in file order, each passed through `map(part, id)` (−1 line ends
    /// through too); each range's ids are freed once copied.
    static func joinedIDs(_ parts: inout [WordTally], map: (Int, Int32) -> Int32) -> [Int32] {
        if parts.count == 1 {
            // One range (a small file, or one long line): mapped in place, never copied.
            var ids = parts[0].ids
            parts[0].clearIDs()
            ids.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = map(0, buffer[index]) }
            }
            return ids
        }
        let total = parts.reduce(0) { $0 + $1.ids.count }
        var joined = [Int32]()
        joined.reserveCapacity(total)
        for part in parts.indices {
            parts[part].ids.withUnsafeBufferPointer { ids in
                for id in ids { joined.append(map(part, id)) }
            }
            parts[part].clearIDs()
        }
        return joined
    }
}
