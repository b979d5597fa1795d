// Annotation tracks: one number per token computed from the text alone (inside quotes,
// bracket depth, position in the line, …), the "meta-tracks" against which a unit's
// activation is compared. A track's value at token t describes the text up to and
// including token t, which is all the model has read when it produces h_t.

/// A named per-token feature of the text.
public struct AnnotationTrack: Sendable, Equatable {
    public let name: String
    /// One value per token.
    public let values: [Float]

    public init(name: String, values: [Float]) {
        self.name = name
        self.values = values
    }

    /// Where the text stands before its first token: a validation text that begins inside
    /// a quotation or a bracket, or in the middle of a line, continues the training text.
    public struct Start: Sendable, Equatable {
        public var insideQuote = false
        public var bracketDepth = 0
        public var linePosition = 0

        public init() {}

        /// The state after reading `ids` (the text before the one annotated). The tokens
        /// are classified once per vocabulary entry, so a long training text costs one
        /// table lookup per token.
        public init(after ids: some Sequence<Int32>, vocabulary: Vocabulary) {
            let marks = vocabulary.tokens.map(Mark.init)
            var start = Start()
            for id in ids { start.read(marks[Int(id)]) }
            self = start
        }

        /// Moves past one token.
        mutating func read(_ mark: Mark) {
            switch mark {
            case .quoteToggle: insideQuote.toggle()
            case .quoteOpen: insideQuote = true
            case .quoteClose: insideQuote = false
            case .bracketOpen: bracketDepth += 1
            case .bracketClose: bracketDepth = max(bracketDepth - 1, 0)
            case .newline, .other: break
            }
            linePosition = mark == .newline ? 0 : linePosition + 1
        }
    }

    /// What a token does to the tracks' state. A straight double quote toggles; curly
    /// quotes open and close.
    enum Mark {
        case quoteToggle, quoteOpen, quoteClose, bracketOpen, bracketClose, newline, other

        init(_ token: String) {
            switch token {
            case "\"": self = .quoteToggle
            case "\u{201C}": self = .quoteOpen
            case "\u{201D}": self = .quoteClose
            case "(", "[", "{": self = .bracketOpen
            case ")", "]", "}": self = .bracketClose
            case "\n": self = .newline
            default: self = .other
            }
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
            state.read(Mark(token))
            quote.append(state.insideQuote ? 1 : 0)
            bracket.append(Float(state.bracketDepth))
            line.append(Float(state.linePosition))
            let wordLike = first.map { $0.properties.isAlphabetic || $0.properties.numericType != nil } ?? false
            inWord.append(wordLike ? 1 : 0)
            punctuation.append(!wordLike && token != "\n" && !(first?.properties.isWhitespace ?? true) ? 1 : 0)
            capital.append(first?.properties.isUppercase == true ? 1 : 0)
        }
        var tracks = [
            AnnotationTrack(name: "quote", values: quote),
            AnnotationTrack(name: "bracket", values: bracket),
            AnnotationTrack(name: "line_position", values: line),
        ]
        switch level {
        case .char:
            tracks.append(AnnotationTrack(name: "in_word", values: inWord))
        case .word:
            tracks.append(AnnotationTrack(name: "punctuation", values: punctuation))
            tracks.append(AnnotationTrack(name: "capitalised", values: capital))
        }
        return tracks
    }
}
