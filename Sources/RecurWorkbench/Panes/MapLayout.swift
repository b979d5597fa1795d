// Where the map's dots and labels go: pure arithmetic from points and an area to cells,
// so that labels never run into each other, never cover a dot and never leave the area.
import TerminalKit

/// The dots and labels of a map, placed in an area.
///
/// Every point with finite coordinates gets a dot at its scaled position; dots are placed
/// first, so no label can cover one. Labels are then placed in the order of the points
/// (most frequent first), so the most frequent words win the room. Each label tries, in
/// turn: whole to the right of its dot, whole to the left, then shortened with "…" on
/// whichever side has more room; a label that cannot keep `minimumKept` characters is
/// left out and counted in `hidden`. A label keeps one empty cell from any other label,
/// so two words never read as one.
struct MapLayout: Equatable {
    struct Dot: Equatable {
        var x: Int
        var y: Int
    }

    struct Label: Equatable {
        var text: String
        var x: Int
        var y: Int
        /// Cells the text takes (wide characters take two).
        var width: Int
    }

    private(set) var dots: [Dot] = []
    private(set) var labels: [Label] = []
    /// Labels left out for lack of room (including points without finite coordinates).
    private(set) var hidden = 0

    /// Characters a shortened label keeps before its "…"; fewer would not identify the word.
    static let minimumKept = 3

    private enum Occupant { case free, dot, label }

    init(points: [MapPoint], area: Rect) {
        let placeable = points.filter { $0.x.isFinite && $0.y.isFinite }
        hidden = points.count - placeable.count
        guard !area.isEmpty, !placeable.isEmpty else {
            hidden = points.count
            return
        }
        let xs = placeable.map { Double($0.x) }, ys = placeable.map { Double($0.y) }
        let (xMin, xMax, yMin, yMax) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        // The fraction of the range, 0 where the range is empty (all points in one column).
        func fraction(_ value: Double, _ low: Double, _ high: Double) -> Double {
            let share = (value - low) / (high - low)
            return share.isFinite ? min(max(share, 0), 1) : 0
        }
        var grid = [Occupant](repeating: .free, count: area.width * area.height)
        for point in placeable {
            let column = Int((fraction(Double(point.x), xMin, xMax) * Double(area.width - 1)).rounded())
            // y grows upwards on the map and downwards on the screen.
            let row = Int(((1 - fraction(Double(point.y), yMin, yMax)) * Double(area.height - 1)).rounded())
            dots.append(Dot(x: column, y: row))
            grid[row * area.width + column] = .dot
        }

        // Free cells in `row` going from `start` in `step` (+1 right, −1 left), less the
        // cell that keeps a gap when the run ends at another label.
        func room(row: Int, from start: Int, step: Int) -> Int {
            var column = start, count = 0
            while column >= 0, column < area.width, grid[row * area.width + column] == .free {
                count += 1
                column += step
            }
            let endsAtLabel = column >= 0 && column < area.width && grid[row * area.width + column] == .label
            return endsAtLabel ? max(count - 1, 0) : count
        }

        for (point, dot) in zip(placeable, dots) {
            let right = room(row: dot.y, from: dot.x + 1, step: 1)
            let left = room(row: dot.y, from: dot.x - 1, step: -1)
            let whole = Canvas.width(of: point.label)
            var placed: (text: String, onRight: Bool)?
            if whole <= right {
                placed = (point.label, true)
            } else if whole <= left {
                placed = (point.label, false)
            } else if let text = Canvas.shortened(point.label, toWidth: max(right, left), keeping: MapLayout.minimumKept) {
                placed = (text, right >= left)
            }
            guard let (text, onRight) = placed else {
                hidden += 1
                continue
            }
            let width = Canvas.width(of: text)
            let start = onRight ? dot.x + 1 : dot.x - width
            for column in start..<start + width { grid[dot.y * area.width + column] = .label }
            labels.append(Label(text: text, x: area.x + start, y: area.y + dot.y, width: width))
        }
        dots = dots.map { Dot(x: area.x + $0.x, y: area.y + $0.y) }
    }

    /// Draws the dots and the labels (which never share a cell).
    func draw(on canvas: inout Canvas) {
        for label in labels { canvas.write(label.text, x: label.x, y: label.y, role: .text) }
        for dot in dots { canvas[dot.x, dot.y] = Cell("•", role: .bar) }
    }
}
