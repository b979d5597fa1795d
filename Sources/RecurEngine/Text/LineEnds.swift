// How Recur reads line ends and byte-order marks, in one place for every text reader.
// Line-based files (word2vec corpora, analogies, pairs, vectors, themes) end a line at
// \n, \r\n or \r, as gensim's LineSentence and Python's universal newlines do, and skip
// a leading UTF-8 byte-order mark. A character-level corpus keeps every character except
// two that only encode the file: the mark (U+FEFF at the very start) and the \r of each
// \r\n pair, so a model trained on a Windows file learns the same text, with the same
// vocabulary, as one trained on its Unix copy. A lone \r stays a character.

/// Line splitting and the character-level filter.
public enum LineEnds {
    static let byteOrderMark: UInt32 = 0xFEFF

    /// `text` without a leading byte-order mark.
    public static func droppingByteOrderMark(_ text: String) -> Substring {
        text.unicodeScalars.first?.value == byteOrderMark ? text.dropFirst() : Substring(text)
    }

    /// The lines of `text` (after a leading byte-order mark), split at \n, \r\n and \r.
    public static func lines(_ text: String) -> [Substring] {
        droppingByteOrderMark(text).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The scalars a character-level model sees: the byte-order mark at the start and the
    /// \r of every \r\n are dropped. Feed scalars in order, then call `finish`.
    public struct CharacterFilter {
        private var atStart = true
        private var pendingReturn = false

        public init() {}

        public mutating func feed(_ scalar: UInt32, emit: (UInt32) throws -> Void) rethrows {
            defer { atStart = false }
            if atStart && scalar == LineEnds.byteOrderMark { return }
            if pendingReturn {
                pendingReturn = false
                if scalar != 0x0A { try emit(0x0D) }
            }
            if scalar == 0x0D {
                pendingReturn = true
                return
            }
            try emit(scalar)
        }

        public mutating func finish(emit: (UInt32) throws -> Void) rethrows {
            if pendingReturn { try emit(0x0D) }
            pendingReturn = false
        }
    }

    /// `text` as a character-level model sees it (see `CharacterFilter`).
    public static func characterScalars(_ text: String) -> [Unicode.Scalar] {
        var filter = CharacterFilter()
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        let keep = { (value: UInt32) in scalars.append(Unicode.Scalar(value)!) }
        for scalar in text.unicodeScalars { filter.feed(scalar.value, emit: keep) }
        filter.finish(emit: keep)
        return scalars
    }
}
