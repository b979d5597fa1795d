// A set of word vectors — trained by word2vec, taken from a language model's embedding,
// or read from a file — with the queries people run on them: nearest neighbours and
// analogies, ranked exactly as gensim's KeyedVectors.most_similar ranks them.
import Foundation

/// Words and their D-dimensional vectors.
public struct WordVectors: Sendable {
    public let words: [String]
    public let dimension: Int
    /// (V, D) row-major.
    public let vectors: [Float]
    /// By exact scalars (TokenKey): canonically equivalent spellings are different words.
    private let lookup: [TokenKey: Int32]
    private let index: EmbeddingIndex

    public init(words: [String], dimension: Int, vectors: [Float]) throws {
        guard dimension > 0 else { throw RecurError.invalidArgument("vectors need a positive dimension") }
        guard vectors.count == words.count * dimension else {
            throw RecurError.invalidArgument("\(words.count) words need \(words.count * dimension) values, got \(vectors.count)")
        }
        var lookup: [TokenKey: Int32] = [:]
        for (position, word) in words.enumerated() where lookup[TokenKey(word)] == nil { lookup[TokenKey(word)] = Int32(position) }
        self.words = words
        self.dimension = dimension
        self.vectors = vectors
        self.lookup = lookup
        index = vectors.withUnsafeBufferPointer { EmbeddingIndex(matrix: $0.baseAddress!, rows: words.count, width: dimension) }
    }

    /// A language model's input embedding (encoder.weight) as word vectors.
    public init(model: LanguageModel, vocabulary: Vocabulary) throws {
        let count = model.config.vocabularySize * model.config.embed
        try self.init(words: vocabulary.tokens, dimension: model.config.embed,
                      vectors: Array(UnsafeBufferPointer(start: model.tensor("encoder.weight"), count: count)))
    }

    public var count: Int { words.count }

    public func id(of word: String) -> Int32? { lookup[TokenKey(word)] }

    public func vector(of id: Int32) -> ArraySlice<Float> {
        vectors[Int(id) * dimension..<(Int(id) + 1) * dimension]
    }

    /// The id of `word`, or an error that suggests close spellings from the vocabulary.
    public func requireID(_ word: String) throws -> Int32 {
        if let id = id(of: word) { return id }
        let suggestions = closest(to: word, count: 5)
        throw RecurError.invalidArgument("'\(word)' is not in the vocabulary" + (suggestions.isEmpty ? "" : "; did you mean: \(suggestions.joined(separator: ", "))?"))
    }

    /// Vocabulary entries with the smallest edit distance to `word` (ties: more frequent first).
    public func closest(to word: String, count: Int) -> [String] {
        let target = Array(word.lowercased())
        var scored: [(distance: Int, position: Int)] = []
        for (position, candidate) in words.enumerated() {
            let distance = WordVectors.editDistance(target, Array(candidate.lowercased()), limit: max(2, target.count / 3))
            if let distance { scored.append((distance, position)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.position < $1.position }
        return scored.prefix(count).map { words[$0.position] }
    }

    /// Levenshtein distance, or nil when it exceeds `limit` (checked cheaply by length first).
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        return distance <= limit ? distance : nil
    }

    // MARK: - Queries

    /// The `count` words most similar to `word` by cosine similarity, itself excluded.
    public func neighbours(of word: String, count: Int) throws -> [(word: String, similarity: Float)] {
        let id = try requireID(word)
        return index.nearest(to: id, count: count).map { (words[Int($0.id)], $0.similarity) }
    }

    /// gensim's most_similar(positive, negative): the mean of the inputs' unit vectors
    /// (negatives subtracted), made unit length, against every unit vector; the inputs
    /// themselves are excluded.
    public func mostSimilar(positive: [String], negative: [String], count: Int) throws -> [(word: String, similarity: Float)] {
        let positiveIDs = try positive.map(requireID), negativeIDs = try negative.map(requireID)
        guard !positiveIDs.isEmpty || !negativeIDs.isEmpty else { throw RecurError.invalidArgument("a query needs at least one word") }
        var mean = [Float](repeating: 0, count: dimension)
        for (ids, weight) in [(positiveIDs, Float(1)), (negativeIDs, Float(-1))] {
            for id in ids {
                let unit = index.vector(id)
                for j in 0..<dimension { mean[j] += weight * unit[j] }
            }
        }
        let inputs = Set(positiveIDs + negativeIDs)
        for j in 0..<dimension { mean[j] /= Float(inputs.count) }
        return index.nearest(to: mean, count: count, excluding: inputs).map { (words[Int($0.id)], $0.similarity) }
    }

    /// "a is to b as c is to ?": b − a + c by 3CosAdd, inputs excluded.
    public func analogy(_ a: String, _ b: String, _ c: String, count: Int) throws -> [(word: String, similarity: Float)] {
        try mostSimilar(positive: [b, c], negative: [a], count: count)
    }

    /// Cosine similarity of two words.
    public func similarity(_ first: String, _ second: String) throws -> Float {
        let a = index.vector(try requireID(first)), b = index.vector(try requireID(second))
        var dot: Float = 0
        for j in 0..<dimension { dot += a[j] * b[j] }
        return dot
    }

    /// The first `count` words (the most frequent, for files sorted by frequency).
    public func prefix(_ count: Int) throws -> WordVectors {
        let kept = min(count, words.count)
        return try WordVectors(words: Array(words.prefix(kept)), dimension: dimension, vectors: Array(vectors.prefix(kept * dimension)))
    }
}
