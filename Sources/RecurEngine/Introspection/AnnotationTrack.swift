// Annotation tracks: one number per token computed from the text alone (inside quotes,
// bracket depth, position in the line, …), the "meta-tracks" against which a unit's
// activation is compared. A track's value at token t describes the text up to and
// including token t, which is all the model has read when it produces h_t.

/// A named per-token feature of the text.
public struct AnnotationTrack: Sendable, Equatable {
    public let name: String
    /// One line for help and panes.
    public let summary: String
    /// One value per token.
    public let values: [Float]

    public init(name: String, summary: String, values: [Float]) {
        self.name = name
        self.summary = summary
        self.values = values
    }

    /// Where the text stands before its first token: a validation text that begins inside
    /// a quotation or a bracket, or in the middle of a line, continues the training text.
    public struct Start: Sendable, Equatable {
        public var insideQuote = false
        public var bracketDepth = 0
        public var linePosition = 0

        public init() {}

        /// The state after reading `ids` (the text before the one annotated).
        public init(after ids: some Sequence<Int32>, vocabulary: Vocabulary) {
            var start = Start()
            for id in ids { start.read(vocabulary.tokens[Int(id)]) }
            self = start
        }

        /// Moves past one token. A straight double quote toggles; curly quotes open and close.
        mutating func read(_ token: String) {
            switch token {
            case "\"": insideQuote.toggle()
            case "\u{201C}": insideQuote = true
            case "\u{201D}": insideQuote = false
            case "(", "[", "{": bracketDepth += 1
            case ")", "]", "}": bracketDepth = max(bracketDepth - 1, 0)
            default: break
            }
            linePosition = token == "\n" ? 0 : linePosition + 1
        }
    }

    /// Every track of `level` over `tokens` (each a character or a word, "\n" for a
    /// newline), read from `start`.
    public static func all(tokens: [String], level: TokenLevel, from start: Start = Start()) -> [AnnotationTrack] {
        var quote = [Float](), bracket = [Float](), line = [Float](), inWord = [Float](), punctuation = [Float](), capital = [Float]()
        quote.reserveCapacity(tokens.count)
        var state = start
        for token in tokens {
            let first = token.unicodeScalars.first
            state.read(token)
            quote.append(state.insideQuote ? 1 : 0)
            bracket.append(Float(state.bracketDepth))
            line.append(Float(state.linePosition))
            let wordLike = first.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
            inWord.append(wordLike ? 1 : 0)
            punctuation.append(!wordLike && token != "\n" && !(first?.properties.isWhitespace ?? true) ? 1 : 0)
            capital.append(first?.properties.isUppercase == true ? 1 : 0)
        }
        let unit = level == .char ? "characters" : "words"
        var tracks = [
            AnnotationTrack(name: "quote", summary: "1 inside double quotes, 0 outside", values: quote),
            AnnotationTrack(name: "bracket", summary: "depth of open ( [ {", values: bracket),
            AnnotationTrack(name: "line_position", summary: "\(unit) since the line began", values: line),
        ]
        switch level {
        case .char:
            tracks.append(AnnotationTrack(name: "in_word", summary: "1 on a letter or digit", values: inWord))
        case .word:
            tracks.append(AnnotationTrack(name: "punctuation", summary: "1 on a punctuation mark", values: punctuation))
            tracks.append(AnnotationTrack(name: "capitalised", summary: "1 on a word that starts with a capital", values: capital))
        }
        return tracks
    }
}
