// A ranked list: a label, a number and a proportional bar on each row.
import Foundation

/// Rows of `label  value  ████` with bars scaled to `maximum`.
public struct BarList: Sendable {
    public struct Item: Sendable, Equatable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    public var items: [Item]
    public var maximum: Double
    /// Index of a highlighted row, if any.
    public var selected: Int?

    public init(items: [Item], maximum: Double = 1, selected: Int? = nil) {
        self.items = items
        self.maximum = maximum
        self.selected = selected
    }

    public func render(in area: Rect, on canvas: inout Canvas) {
        guard area.width >= 8 else { return }
        let labelWidth = min(max(items.map(\.label.count).max() ?? 0, 4), max(area.width / 3, 4))
        for (index, item) in items.prefix(area.height).enumerated() {
            let y = area.y + index
            let role: StyleRole = index == selected ? .selection : .text
            let label = item.label.count > labelWidth ? String(item.label.prefix(labelWidth - 1)) + "…" : item.label
            canvas.write(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0), x: area.x, y: y, role: role, clip: area)
            let number = String(format: "%6.3f", item.value)
            let numberX = area.x + labelWidth + 1
            let barX = canvas.write(number, x: numberX, y: y, role: .muted, clip: area) + 1
            let barWidth = area.maxX - barX
            guard barWidth > 0, maximum > 0 else { continue }
            // Eighth blocks give the bar sub-cell resolution.
            let eighths = Int((max(item.value, 0) / maximum * Double(barWidth) * 8).rounded())
            let full = min(eighths / 8, barWidth)
            for x in 0..<full { canvas[barX + x, y] = Cell("█", role: .bar) }
            if full < barWidth, eighths % 8 > 0 {
                canvas[barX + full, y] = Cell(Unicode.Scalar(0x2590 - UInt32(eighths % 8))!, role: .bar)
            }
        }
    }
}
