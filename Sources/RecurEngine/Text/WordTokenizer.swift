// The word-level tokenizer. Documented rule: a token is a run of letters, digits,
// apostrophes and hyphens inside a word, or a single punctuation character; whitespace
// separates tokens and a newline is kept as the token "\n" so paragraphs survive.
// Lowercasing is optional.

public enum WordTokenizer {
    /// The name of the out-of-vocabulary token.
    public static let unknown = "<unk>"

    public static func tokenize(_ text: String, lowercase: Bool) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty {
                let token = String(word)
                tokens.append(lowercase ? token.lowercased() : token)
                word.removeAll(keepingCapacity: true)
            }
        }
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || scalar.properties.generalCategory == .decimalNumber {
                word.append(scalar)
            } else if (scalar == "'" || scalar == "-"), !word.isEmpty {
                word.append(scalar)
            } else {
                flush()
                if scalar == "\n" {
                    tokens.append("\n")
                } else if !properties.isWhitespace && scalar.value >= 0x20 {
                    tokens.append(String(scalar))
                }
            }
        }
        flush()
        return tokens
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
