// Rectangles and the arithmetic that lays panes out. Plain values, tested as numbers.

/// A terminal size in cells.
public struct Size: Sendable, Equatable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// A rectangle of cells: origin at the top-left, x to the right, y down.
public struct Rect: Sendable, Equatable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(width, 0)
        self.height = max(height, 0)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.columns, height: size.rows) }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var description: String { "Rect(x: \(x), y: \(y), width: \(width), height: \(height))" }

    public func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < maxX && row >= y && row < maxY
    }

    /// The rectangle shrunk by `amount` cells on every side.
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// Splits into a top part of `rows` rows (clamped) and the rest.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let top = min(max(rows, 0), height)
        return (Rect(x: x, y: y, width: width, height: top), Rect(x: x, y: y + top, width: width, height: height - top))
    }

    /// Splits into the rest and a bottom part of `rows` rows (clamped).
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let bottom = min(max(rows, 0), height)
        return (Rect(x: x, y: y, width: width, height: height - bottom),
                Rect(x: x, y: maxY - bottom, width: width, height: bottom))
    }

    /// Splits into a left part of `columns` columns (clamped) and the rest.
    func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let left = min(max(columns, 0), width)
        return (Rect(x: x, y: y, width: left, height: height), Rect(x: x + left, y: y, width: width - left, height: height))
    }

    /// Splits the width by a fraction (0…1) of it, rounding to the nearest column.
    public func splitHorizontally(fraction: Double) -> (left: Rect, right: Rect) {
        let (left, rest) = splitLeft(Int((Double(width) * fraction).rounded()))
        return (left, rest)
    }

    /// Splits the height by a fraction (0…1) of it, rounding to the nearest row.
    public func splitVertically(fraction: Double) -> (top: Rect, bottom: Rect) {
        let (top, rest) = splitTop(Int((Double(height) * fraction).rounded()))
        return (top, rest)
    }
}
