// How Recur tells tokens apart: by their exact Unicode scalars. Swift's String equality
// is canonical equivalence, so "K" and the Kelvin sign U+212A, or "é" as one scalar and
// as e + U+0301, are equal Strings. A character vocabulary is built from scalars and a
// text must read back as it was written, so every place that compares or hashes tokens
// (vocabularies, the word tokenizer's counts, word2vec, vectors, analogies, the
// checkpoint reader) goes through this key instead of String's == and hash.

/// A token compared and hashed by its UTF-8 bytes, which is the same as by its scalars.
public struct TokenKey: Hashable, Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        TokenKey.same(lhs.text, rhs.text)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { for byte in text.utf8 { hasher.combine(byte) } }
        hasher.combine(text.utf8.count)
    }

    /// Whether two spellings are the same token (the same scalars).
    public static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// A total order on spellings (by scalar values, as UTF-8 bytes order them), for
    /// sorting ties deterministically where String's `<` would call two tokens equal.
    public static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
