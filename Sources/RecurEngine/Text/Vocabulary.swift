// The token ↔ id mapping of a model. Char level: every Unicode scalar of the corpus,
// sorted by code point. Word level: see WordTokenizer.

/// An ordered list of tokens; a token's id is its position.
public struct Vocabulary: Sendable, Equatable {
    public let level: TokenLevel
    public let tokens: [String]
    /// Word level: the corpus was lowercased, so text given later (a prime) is too.
    public let lowercase: Bool
    /// Keyed by exact scalars (TokenKey), so canonically equivalent tokens stay apart.
    private let index: [TokenKey: Int32]

    public init(level: TokenLevel, tokens: [String], lowercase: Bool = false) {
        self.level = level
        self.tokens = tokens
        self.lowercase = lowercase && level == .word
        var index: [TokenKey: Int32] = [:]
        for (position, token) in tokens.enumerated() { index[TokenKey(token)] = Int32(position) }
        self.index = index
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int32? { index[TokenKey(token)] }

    /// `text` cut into tokens as this vocabulary's corpus was cut: Unicode scalars (a BOM
    /// and the \r of CRLF dropped, as for a corpus) or words, lowercased if the corpus was.
    /// The one tokenizer for primes, queries and the sample pane.
    public func tokenize(_ text: String) -> [String] {
        switch level {
        case .char: LineEnds.characterScalars(text).map { String($0) }
        case .word: WordTokenizer.tokenize(text, lowercase: lowercase)
        }
    }

    /// The ids of `text`'s tokens, and (each once, in order) the tokens it does not know.
    public func ids(of text: String) -> (ids: [Int32], unknown: [String]) {
        var ids: [Int32] = [], unknown: [String] = []
        for token in tokenize(text) {
            if let id = id(of: token) { ids.append(id) } else if !unknown.contains(where: { TokenKey.same($0, token) }) { unknown.append(token) }
        }
        return (ids, unknown)
    }

    /// Where sampling starts without a prime: the start of a line (after "\n") when the
    /// vocabulary has a newline, otherwise after its first token. Said in the sample pane.
    public var lineStart: (ids: [Int32], description: String) {
        if let newline = id(of: "\n") { return ([newline], "from a line start") }
        return ([0], "after \(tokens.first.map { $0.debugDescription } ?? "token 0")")
    }

    /// What sampling feeds first for a prime of `primeIDs`: those ids, or the line start
    /// when there are none. The one place that decides how sampling starts without a prime
    /// (`recur sample`, the sample pane, watch mode's probe text).
    public func samplingStart(prime primeIDs: [Int32]) -> [Int32] {
        primeIDs.isEmpty ? lineStart.ids : primeIDs
    }

    /// Adjacent runs of tokens rendered separately, with the separator that joins each run
    /// to the one before it (empty for the first), so that the pieces concatenated give
    /// `render` of the whole: a match shown as before, [span], after.
    func render(adjacent runs: [ArraySlice<Int32>]) -> [(separator: String, text: String)] {
        var previous: Int32?
        return runs.map { run in
            var separator = ""
            if level == .word, let previous, let first = run.first {
                separator = WordTokenizer.separator(after: tokens[Int(previous)], before: tokens[Int(first)])
            }
            if let last = run.last { previous = last }
            return (separator, render(run))
        }
    }

    /// The tokens of `range` in `ids` with up to `context` tokens on each side, rendered
    /// so that before + span + after reads as the whole (the separators that join the span
    /// to its neighbours go outside it): a match shown in its context.
    public func render(_ range: Range<Int>, in ids: [Int32], context: Int) -> (before: String, span: String, after: String) {
        let start = max(range.lowerBound - context, 0), end = min(range.upperBound + context, ids.count)
        let parts = render(adjacent: [ids[start..<range.lowerBound], ids[range], ids[range.upperBound..<max(end, range.upperBound)]])
        return (parts[0].text + parts[1].separator, parts[1].text, parts[2].separator + parts[2].text)
    }

    /// Text for display and sampling: tokens joined (words with a space, punctuation glued).
    public func render(_ ids: some Sequence<Int32>) -> String {
        switch level {
        case .char: return ids.map { tokens[Int($0)] }.joined()
        case .word: return WordTokenizer.join(ids.map { tokens[Int($0)] })
        }
    }
}
