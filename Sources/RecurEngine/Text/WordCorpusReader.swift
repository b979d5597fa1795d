// Word-level corpora read in one streaming pass: chunks of bytes, validated as UTF-8,
// cut into words by WordTokenizer's rule, each word numbered (WordInterner) and counted
// as it comes. The vocabulary is chosen after the pass and the numbers are remapped in
// place, so memory is the ids (4 bytes a word) and the distinct words, never a String
// per word (#20: 87 MB took 33 s and 2.5 GB as an array of Strings).
import Foundation

extension Corpus {
    /// Reads a word-level corpus. With `vocabulary` (a checkpoint's) words it lacks become
    /// `<unk>`; otherwise the vocabulary is built: `<unk>`, then the words seen at least
    /// `minCount` times, most frequent first, ties by their bytes, at most `maxVocabulary`
    /// tokens in all. `progress` gets 0…1.
    static func loadWords(path: String, minCount: Int, maxVocabulary: Int? = nil, lowercase: Bool, vocabulary: Vocabulary?,
                          progress: ((Double) -> Void)?) throws -> Corpus {
        let size = try fileSize(path)
        var stream = WordTokenizer.Stream(lowercase: lowercase)
        var counting = WordCounting(vocabulary: vocabulary, expectedWords: size / 5)
        // Closures passed straight down (never stored), so the compiler checks access to
        // `counting` statically instead of on every word.
        try decodeFile(path, size: size) { scalar in
            stream.feed(scalar) { counting.add($0) }
        } progress: { progress?(0.95 * $0) }
        stream.finish { counting.add($0) }
        let interner = counting.interner, counts = counting.counts
        var ids = counting.ids
        counting = WordCounting(vocabulary: nil, expectedWords: 0)  // one copy of the ids, not two
        if let vocabulary {
            progress?(1)
            return Corpus(ids: TokenIDs(ids), vocabulary: vocabulary)
        }
        // Every word left out, rare or past the cap, maps to <unk> below.
        let kept = VocabularyCap.words(frequentWords(interner, counts: counts, minCount: minCount), maxVocabulary: maxVocabulary)
        var remap = [Int32](repeating: 0, count: interner.count)
        for (rank, word) in kept.enumerated() { remap[word] = Int32(rank + 1) }
        ids.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = remap[Int(buffer[index])] }
        }
        let chosen = Vocabulary(level: .word, tokens: [WordTokenizer.unknown] + kept.map(interner.spelling), lowercase: lowercase)
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

/// The words of a text as they stream in: numbered by a WordInterner and counted, or,
/// with a given vocabulary, looked up in it (words it lacks become `<unk>`).
struct WordCounting {
    private(set) var interner = WordInterner()
    private(set) var counts: [Int] = []
    private(set) var ids: [Int32] = []
    private let fixed: Bool
    private let unknown: Int32

    init(vocabulary: Vocabulary?, expectedWords: Int) {
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

    @inline(__always)
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        if fixed {
            ids.append(interner.find(bytes) ?? unknown)
            return
        }
        let id = interner.intern(bytes)
        if Int(id) == counts.count { counts.append(0) }
        counts[Int(id)] += 1
        ids.append(id)
    }
}
