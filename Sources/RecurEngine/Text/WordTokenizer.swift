// The word-level tokenizer. Documented rule: a token is a run of letters, digits,
// apostrophes and hyphens inside a word, or a single punctuation character; whitespace
// separates tokens and a newline is kept as the token "\n" so paragraphs survive.
// Lowercasing is optional.

public enum WordTokenizer {
    /// The name of the out-of-vocabulary token.
    public static let unknown = "<unk>"

    /// What a scalar does under the rule above: part of a word (a letter or digit), a
    /// joiner (part of a word once one has begun, else a token of its own), the newline
    /// token, a separator (dropped), or a single-character token. The one owner of the
    /// rule, for the scalar-at-a-time Stream and the byte scanner (WordScanner) alike.
    enum Role: UInt8 { case letter, joiner, newline, separator, single }
    /// How an ASCII scalar acts, from the same Unicode properties as any other.
    static let asciiRoles: [Role] = (0..<128).map { role(of: Unicode.Scalar(UInt8($0))) }

    static func role(of scalar: Unicode.Scalar) -> Role {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil || properties.generalCategory == .decimalNumber { return .letter }
        if scalar == "'" || scalar == "-" { return .joiner }
        if scalar == "\n" { return .newline }
        return !properties.isWhitespace && scalar.value >= 0x20 ? .single : .separator
    }

    public static func tokenize(_ text: String, lowercase: Bool) -> [String] {
        var tokens: [String] = []
        var stream = Stream(lowercase: lowercase)
        let collect = { (bytes: UnsafeBufferPointer<UInt8>) in tokens.append(String(decoding: bytes, as: UTF8.self)) }
        for scalar in text.unicodeScalars { stream.feed(scalar.value, emit: collect) }
        stream.finish(emit: collect)
        return tokens
    }

    /// The rule above as a scalar-at-a-time machine that hands out each token's UTF-8
    /// bytes (valid only during the call), so a corpus file can be tokenized while it
    /// streams in, with no String per token. `tokenize` is built on it: one rule.
    struct Stream {
        let lowercase: Bool
        private var word: [UInt8] = []
        private var wordIsASCII = true

        init(lowercase: Bool) {
            self.lowercase = lowercase
            word.reserveCapacity(256)
        }

        mutating func feed(_ value: UInt32, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
            let role = value < 128 ? WordTokenizer.asciiRoles[Int(value)] : WordTokenizer.role(of: Unicode.Scalar(value)!)
            switch role {
            case .letter:
                append(value)
                return
            case .joiner where !word.isEmpty:
                append(value)
                return
            default:
                try flush(emit: emit)
            }
            switch role {
            case .newline, .single, .joiner:
                var scalarBytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
                try withUnsafeMutableBytes(of: &scalarBytes) { raw in
                    var length = 0
                    UTF8.encode(Unicode.Scalar(value)!) { raw[length] = $0; length += 1 }
                    try emit(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: length))
                }
            case .letter, .separator:
                break
            }
        }

        mutating func finish(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
            try flush(emit: emit)
        }

        @inline(__always)
        private mutating func append(_ value: UInt32) {
            if value < 0x80 {
                word.append(UInt8(value))
            } else {
                wordIsASCII = false
                UTF8.encode(Unicode.Scalar(value)!) { word.append($0) }
            }
        }

        private mutating func flush(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
            guard !word.isEmpty else { return }
            defer {
                word.removeAll(keepingCapacity: true)
                wordIsASCII = true
            }
            if lowercase {
                if wordIsASCII {
                    for index in word.indices where word[index] >= 0x41 && word[index] <= 0x5A { word[index] |= 0x20 }
                } else {
                    var lowered = String(decoding: word, as: UTF8.self).lowercased()
                    try lowered.withUTF8 { try emit($0) }
                    return
                }
            }
            try word.withUnsafeBufferPointer { try emit($0) }
        }
    }

    /// Joins tokens back into readable text: a space between words, none before closing
    /// punctuation or around newlines.
    public static func join(_ tokens: [String]) -> String {
        var text = ""
        var previous: String?
        for token in tokens {
            if let previous { text += separator(after: previous, before: token) }
            text += token
            previous = token
        }
        return text
    }

    /// What goes between two tokens when they are joined: a space, or nothing before
    /// closing punctuation and around newlines.
    public static func separator(after previous: String, before token: String) -> String {
        let attaches = token == "\n" || [".", ",", ";", ":", "!", "?", ")", "'"].contains(token)
        return attaches || previous == "\n" || previous == "(" ? "" : " "
    }
}
