// Wrapped text: words flow onto as many rows as fit, hard newlines start new rows.

/// Text wrapped at word boundaries to a width.
public struct TextBlock: Sendable {
    public var text: String
    public var role: StyleRole

    public init(_ text: String, role: StyleRole = .text) {
        self.text = text
        self.role = role
    }

    /// The rows `text` wraps into at `width` columns; over-long words are cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = String(word)
                while word.count > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    lines.append(String(word.prefix(width)))
                    word = String(word.dropFirst(width))
                }
                if line.isEmpty {
                    line = word
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = word
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// Draws the first rows that fit.
    public func render(in area: Rect, on canvas: inout Canvas) {
        let shown = TextBlock.wrap(text, width: area.width).prefix(area.height)
        for (index, line) in shown.enumerated() {
            canvas.write(line, x: area.x, y: area.y + index, role: role, clip: area)
        }
    }
}
