// How many cells a text takes when written, and how to shorten it to fit: the one place
// that knows, so that layouts which must not overlap agree with `Canvas.write`.

extension Canvas {
    /// The cells `write` uses for `text`: two for a wide character, one for anything else
    /// (controls and combining marks are shown as one-cell placeholders).
    public static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
    }

    /// `text` cut to at most `width` cells, ending in "…" when cut; nil when fewer than
    /// `keeping` characters of it would be left before the "…".
    public static func shortened(_ text: String, toWidth width: Int, keeping: Int = 1) -> String? {
        if Canvas.width(of: text) <= width { return text }
        var kept = String.UnicodeScalarView(), used = 0
        for scalar in text.unicodeScalars {
            let cells = isWide(scalar) ? 2 : 1
            // One cell stays free for the ellipsis.
            if used + cells > width - 1 { break }
            kept.append(scalar)
            used += cells
        }
        guard kept.count >= max(keeping, 0), width >= 1 else { return nil }
        return String(kept) + "…"
    }
}
