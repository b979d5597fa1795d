// A heatmap of values in [−1, 1]: one cell per value, the sign and magnitude shown by a
// diverging colour ramp and by the block's density (so it still reads without colour).

/// Rows × columns of values in [−1, 1], drawn one cell each.
public struct Heatmap: Sendable {
    public var rows: Int
    public var columns: Int
    /// value(row, column) in [−1, 1]; values outside are clamped.
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "heatmap needs rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The ramp level of `value`: −heatLevels…heatLevels.
    public static func level(_ value: Float) -> Int {
        let levels = Float(StyleRole.heatLevels)
        guard value.isFinite else { return 0 }
        return Int((min(max(value, -1), 1) * levels).rounded())
    }

    /// The glyph for a level: denser for larger magnitude.
    public static func glyph(_ level: Int) -> Unicode.Scalar {
        switch abs(level) {
        case 0: "·"
        case 1: "░"
        case 2: "▒"
        case 3: "▓"
        default: "█"
        }
    }

    /// Draws the top-left part that fits into `area`.
    public func render(in area: Rect, on canvas: inout Canvas) {
        for row in 0..<min(rows, area.height) {
            for column in 0..<min(columns, area.width) {
                let level = Heatmap.level(values[row * columns + column])
                canvas[area.x + column, area.y + row] = Cell(Heatmap.glyph(level), role: .heat(level))
            }
        }
    }
}
