// Nearest tokens by cosine similarity in an embedding matrix.
import Foundation

/// A token and its cosine similarity to a query.
public struct Neighbour: Sendable, Equatable {
    public let id: Int32
    public let similarity: Float

    public init(id: Int32, similarity: Float) {
        self.id = id
        self.similarity = similarity
    }
}

/// Cosine-similarity queries over the rows of a (V, E) matrix.
public struct EmbeddingIndex: Sendable {
    public let rows: Int
    public let width: Int
    /// Rows scaled to unit length (zero rows stay zero).
    private let unitRows: [Float]

    public init(matrix: UnsafePointer<Float>, rows: Int, width: Int) {
        self.rows = rows
        self.width = width
        var unit = [Float](repeating: 0, count: rows * width)
        for row in 0..<rows {
            var squares: Double = 0
            for j in 0..<width { squares += Double(matrix[row * width + j] * matrix[row * width + j]) }
            let inverse = squares > 0 ? Float(1 / squares.squareRoot()) : 0
            for j in 0..<width { unit[row * width + j] = matrix[row * width + j] * inverse }
        }
        unitRows = unit
    }

    /// The embedding rows of a language model's encoder.
    public init(model: LanguageModel) {
        self.init(matrix: model.tensor("encoder.weight"), rows: model.config.vocabularySize, width: model.config.embed)
    }

    /// The `count` rows most similar to `query`'s unit vector, excluding `excluded`,
    /// most similar first (ties by id).
    public func nearest(to query: [Float], count: Int, excluding excluded: Set<Int32> = []) -> [Neighbour] {
        var norm: Float = 0
        for value in query { norm += value * value }
        let inverse = norm > 0 ? 1 / norm.squareRoot() : 0
        var scored: [Neighbour] = []
        scored.reserveCapacity(rows)
        unitRows.withUnsafeBufferPointer { unit in
            for row in 0..<rows where !excluded.contains(Int32(row)) {
                var dot: Float = 0
                for j in 0..<width { dot += unit[row * width + j] * query[j] }
                scored.append(Neighbour(id: Int32(row), similarity: dot * inverse))
            }
        }
        scored.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.id < $1.id }
        return Array(scored.prefix(count))
    }

    /// Neighbours of token `id`, itself excluded.
    public func nearest(to id: Int32, count: Int) -> [Neighbour] {
        nearest(to: vector(id), count: count, excluding: [id])
    }

    /// The unit vector of row `id`.
    public func vector(_ id: Int32) -> [Float] {
        Array(unitRows[Int(id) * width..<(Int(id) + 1) * width])
    }
}
