// The token ↔ id mapping of a model. Char level: every Unicode scalar of the corpus,
// sorted by code point. Word level: see WordTokenizer.

/// An ordered list of tokens; a token's id is its position.
public struct Vocabulary: Sendable, Equatable {
    public let level: TokenLevel
    public let tokens: [String]
    private let index: [String: Int32]

    public init(level: TokenLevel, tokens: [String]) {
        self.level = level
        self.tokens = tokens
        var index: [String: Int32] = [:]
        for (position, token) in tokens.enumerated() { index[token] = Int32(position) }
        self.index = index
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int32? { index[token] }

    /// Text for display and sampling: tokens joined (words with a space, punctuation glued).
    public func render(_ ids: some Sequence<Int32>) -> String {
        switch level {
        case .char: return ids.map { tokens[Int($0)] }.joined()
        case .word: return WordTokenizer.join(ids.map { tokens[Int($0)] })
        }
    }
}
