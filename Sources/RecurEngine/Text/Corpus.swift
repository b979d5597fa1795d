// A text file turned into token ids: reading and validating the bytes, building the
// vocabulary, and the train/validation split by position.
import Foundation

/// A tokenized text and its vocabulary.
public struct Corpus: Sendable {
    public let vocabulary: Vocabulary
    /// Every token of the text, as ids into `vocabulary`.
    public let ids: TokenIDs

    /// Reads a text file, refusing what is not usable text: a missing or empty file, a
    /// binary file, or invalid UTF-8 (the error gives the byte offset).
    /// `what` names the file in errors ("corpus", "prime file", …). A leading byte-order
    /// mark is dropped.
    public static func readText(at path: String, what: String = "corpus") throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecurError.invalidCorpus("\(what) not found: \(path)")
        }
        guard !isDirectory.boolValue else { throw RecurError.invalidCorpus("\(what) is a directory: \(path)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecurError.invalidCorpus("cannot read \(what): \(path)")
        }
        return try decodeText(data, name: path, what: what)
    }

    /// Validates and decodes UTF-8 bytes; `name` and `what` are used in error messages.
    public static func decodeText(_ data: Data, name: String, what: String = "corpus") throws -> String {
        guard !data.isEmpty else { throw RecurError.invalidCorpus("\(what) is empty: \(name)") }
        return try data.withUnsafeBytes { raw -> String in
            let bytes = raw.bindMemory(to: UInt8.self)
            // The streaming decoder's checks (NUL bytes, invalid UTF-8 with its offset).
            _ = try decodeUTF8(bytes, final: true, offset: 0, name: name) { _ in }
            return String(LineEnds.droppingByteOrderMark(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// Tokenizes `text` and builds its vocabulary. Char level: sorted unique scalars.
    /// Word level: words seen at least `minCount` times, sorted by frequency (ties by
    /// spelling) after `<unk>`, which stands for the rest; with `maxVocabulary` only the
    /// most frequent of them (`VocabularyCap`).
    public init(text: String, level: TokenLevel, minCount: Int = 1, maxVocabulary: Int? = nil, lowercase: Bool = false) {
        switch level {
        case .char:
            let scalars = LineEnds.characterScalars(text)
            var present = Set<UInt32>()
            for scalar in scalars { present.insert(scalar.value) }
            let sorted = present.sorted()
            var lookup: [UInt32: Int32] = [:]
            for (position, value) in sorted.enumerated() { lookup[value] = Int32(position) }
            vocabulary = Vocabulary(level: .char, tokens: sorted.map { String(Unicode.Scalar($0)!) })
            var ids: [Int32] = []
            ids.reserveCapacity(text.utf8.count)
            for scalar in scalars { ids.append(lookup[scalar.value]!) }
            self.ids = TokenIDs(ids)
        case .word:
            let words = WordTokenizer.tokenize(text, lowercase: lowercase)
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            let kept = counts.filter { $0.value >= minCount && $0.key != WordTokenizer.unknown }
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map(\.key)
            let vocabulary = Vocabulary(level: .word, tokens: [WordTokenizer.unknown] + VocabularyCap.words(kept, maxVocabulary: maxVocabulary),
                                        lowercase: lowercase)
            self.vocabulary = vocabulary
            ids = TokenIDs(words.map { vocabulary.id(of: $0) ?? 0 })
        }
    }

    /// Tokenizes `text` with an existing vocabulary (a checkpoint's). Char level: a
    /// character the vocabulary lacks is an error naming it. Word level: unknown words
    /// become `<unk>`.
    public init(text: String, vocabulary: Vocabulary, lowercase: Bool = false) throws {
        self.vocabulary = vocabulary
        switch vocabulary.level {
        case .char:
            var ids: [Int32] = []
            ids.reserveCapacity(text.utf8.count)
            var missing: [String] = []
            for scalar in LineEnds.characterScalars(text) {
                if let id = vocabulary.id(of: String(scalar)) {
                    ids.append(id)
                } else if missing.count < 5, !missing.contains(String(scalar)) {
                    missing.append(String(scalar))
                }
            }
            guard missing.isEmpty else {
                let shown = missing.map { $0.debugDescription }.joined(separator: ", ")
                throw RecurError.invalidCorpus("the corpus has characters the model's vocabulary lacks: \(shown)")
            }
            self.ids = TokenIDs(ids)
        case .word:
            let unknown = vocabulary.id(of: WordTokenizer.unknown) ?? 0
            ids = TokenIDs(WordTokenizer.tokenize(text, lowercase: lowercase).map { vocabulary.id(of: $0) ?? unknown })
        }
    }

    /// A corpus of ids already tokenized (for benchmarks on random tokens).
    public init(ids: [Int32], vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        self.ids = TokenIDs(ids)
    }

    init(ids: TokenIDs, vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        self.ids = ids
    }

    /// The `count` most frequent tokens, most frequent first (ties: lower id first),
    /// leaving out `excluded` ones (whitespace and `<unk>` crowd a map without meaning much).
    public func mostFrequent(_ count: Int, excluding excluded: Set<String> = [" ", "\n", "\t", WordTokenizer.unknown]) -> [Int32] {
        var counts = [Int](repeating: 0, count: vocabulary.count)
        for id in ids { counts[Int(id)] += 1 }
        return counts.indices.filter { counts[$0] > 0 && !excluded.contains(vocabulary.tokens[$0]) }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .prefix(count).map(Int32.init)
    }

    /// Where validation starts: floor(0.9 × tokens), as DESIGN.md and the PyTorch
    /// reference compute it.
    public var splitIndex: Int { Int(Double(ids.count) * 0.9) }

    public var trainingIDs: Slice<TokenIDs> { ids[..<splitIndex] }
    public var validationIDs: Slice<TokenIDs> { ids[splitIndex...] }
}
