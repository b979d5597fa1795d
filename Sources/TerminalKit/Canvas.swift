// A grid of cells — one Unicode scalar and one style role each — that widgets draw
// into. Tests compare its rows with literal text; the terminal writes only the cells
// that differ from the previous frame.

/// One character cell.
public struct Cell: Equatable, Sendable {
    public var scalar: Unicode.Scalar
    public var role: StyleRole

    public init(_ scalar: Unicode.Scalar = " ", role: StyleRole = .text) {
        self.scalar = scalar
        self.role = role
    }
}

/// A rectangular buffer of cells. Writes outside the grid or outside a clip rectangle
/// are dropped, so widgets never need to guard against small areas.
public struct Canvas: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = Size(columns: max(size.columns, 0), rows: max(size.rows, 0))
        cells = Array(repeating: Cell(), count: self.size.columns * self.size.rows)
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set {
            guard x >= 0, y >= 0, x < size.columns, y < size.rows else { return }
            cells[y * size.columns + x] = newValue
        }
    }

    /// Writes `text` from (x, y) in `role`, cut at the end of `clip` (default: the row).
    /// Control characters are shown as `·`. Returns the column after the last written cell.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: StyleRole = .text, clip: Rect? = nil) -> Int {
        let limit = clip ?? bounds
        guard y >= limit.y, y < limit.maxY else { return x }
        var column = x
        for scalar in text.unicodeScalars {
            if column >= limit.maxX { break }
            if Canvas.isWide(scalar) {
                // A wide character takes two cells: itself, then a continuation cell the
                // terminal does not write. With one cell left it becomes a space.
                if column + 1 < limit.maxX, column >= limit.x {
                    self[column, y] = Cell(scalar, role: role)
                    self[column + 1, y] = Cell(Canvas.continuation, role: role)
                } else if column >= limit.x {
                    self[column, y] = Cell(" ", role: role)
                }
                column += 2
                continue
            }
            if column >= limit.x { self[column, y] = Cell(Canvas.printable(scalar), role: role) }
            column += 1
        }
        return min(column, max(limit.maxX, x))
    }

    /// Marks the right half of a wide character.
    public static let continuation: Unicode.Scalar = "\u{0}"

    /// East Asian wide and full-width characters and emoji, which terminals draw two
    /// cells wide.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (scalar.properties.isEmojiPresentation && value >= 0x1F000) || (0x1100...0x115F).contains(value)
            || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value)
            || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value)
            || (0x20000...0x3FFFD).contains(value)
    }

    /// Fills `rect` with `scalar` in `role`.
    public mutating func fill(_ rect: Rect, with scalar: Unicode.Scalar = " ", role: StyleRole = .text) {
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX { self[x, y] = Cell(scalar, role: role) }
        }
    }

    /// Draws a single-line box around `rect` with an optional title in the top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, role: StyleRole = .border, titleRole: StyleRole = .title) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        // The focused box is drawn with heavy lines, so focus shows in every theme and
        // without colour (NO_COLOR, monochrome terminals), not by colour alone.
        let heavy = role == .focusedBorder
        let (horizontal, vertical): (Unicode.Scalar, Unicode.Scalar) = heavy ? ("━", "┃") : ("─", "│")
        for x in rect.x + 1..<rect.maxX - 1 {
            self[x, rect.y] = Cell(horizontal, role: role)
            self[x, rect.maxY - 1] = Cell(horizontal, role: role)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            self[rect.x, y] = Cell(vertical, role: role)
            self[rect.maxX - 1, y] = Cell(vertical, role: role)
        }
        self[rect.x, rect.y] = Cell(heavy ? "┏" : "┌", role: role)
        self[rect.maxX - 1, rect.y] = Cell(heavy ? "┓" : "┐", role: role)
        self[rect.x, rect.maxY - 1] = Cell(heavy ? "┗" : "└", role: role)
        self[rect.maxX - 1, rect.maxY - 1] = Cell(heavy ? "┛" : "┘", role: role)
        if let title, rect.width > 4 {
            let clip = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
            write(" \(title) ", x: rect.x + 1, y: rect.y, role: titleRole, clip: clip)
        }
    }

    /// Row `y` as plain text (for tests and text captures); a wide character's
    /// continuation cell adds nothing.
    public func row(_ y: Int) -> String {
        var text = String.UnicodeScalarView()
        for x in 0..<size.columns where self[x, y].scalar != Canvas.continuation { text.append(self[x, y].scalar) }
        return String(text)
    }

    /// All rows as plain text.
    public var rows: [String] { (0..<size.rows).map(row) }

    /// Replaces what cannot stand in one cell: controls and newlines, combining marks,
    /// and wide characters.
    public static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) { return "·" }
        // Zero-width marks would join the previous cell; show them on their own.
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
            return "◌"
        }
        // Where a cell must stay one column wide (a heatmap column per token), a wide
        // character is shown as a placeholder.
        if isWide(scalar) { return "□" }
        return scalar
    }
}
