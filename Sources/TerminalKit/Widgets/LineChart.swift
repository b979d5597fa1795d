// A line chart drawn with braille dots (2×4 dots per cell), with a y axis of labelled
// ticks and an x-axis caption. Several series share the axes; later series draw on top.
import Foundation

/// One line of a chart.
public struct ChartSeries: Sendable, Equatable {
    public var points: [(x: Double, y: Double)]
    public var role: StyleRole

    public init(points: [(x: Double, y: Double)], role: StyleRole) {
        self.points = points
        self.role = role
    }

    public static func == (lhs: ChartSeries, rhs: ChartSeries) -> Bool {
        lhs.role == rhs.role && lhs.points.count == rhs.points.count
            && zip(lhs.points, rhs.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
}

/// Braille line chart with a y axis on the left and x-range labels below.
public struct LineChart: Sendable {
    public var series: [ChartSeries]
    /// Written under the plot between the x-range labels.
    public var xCaption: String
    /// Plot y on a log scale (values must be positive; others are skipped).
    public var logarithmic: Bool

    public init(series: [ChartSeries], xCaption: String = "", logarithmic: Bool = false) {
        self.series = series
        self.xCaption = xCaption
        self.logarithmic = logarithmic
    }

    /// Draws into `area`. With no finite points it writes "no data yet".
    public func render(in area: Rect, on canvas: inout Canvas) {
        guard area.width >= 12, area.height >= 3 else { return }
        let transform: (Double) -> Double? = { y in
            guard y.isFinite else { return nil }
            if logarithmic { return y > 0 ? log10(y) : nil }
            return y
        }
        var xs: [Double] = [], ys: [Double] = []
        for line in series {
            for point in line.points where point.x.isFinite {
                if let y = transform(point.y) { xs.append(point.x); ys.append(y) }
            }
        }
        guard let xMin = xs.min(), let xMax = xs.max(), let yLow = ys.min(), let yHigh = ys.max() else {
            canvas.write("no data yet", x: area.x + 1, y: area.y + area.height / 2, role: .muted, clip: area)
            return
        }
        // Pad a flat range so a constant series sits mid-height.
        let yMin = yHigh - yLow < 1e-9 ? yLow - 0.5 : yLow
        let yMax = yHigh - yLow < 1e-9 ? yHigh + 0.5 : yHigh

        let labelWidth = 7
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: area.height - 1)
        // y axis with three ticks: top, middle, bottom.
        for row in 0..<plot.height { canvas[plot.x - 1, plot.y + row] = Cell("┤", role: .axis) }
        for (row, fraction) in [(0, 1.0), (plot.height / 2, 0.5), (plot.height - 1, 0.0)] {
            let value = yMin + (yMax - yMin) * (row == plot.height / 2 ? 1 - Double(row) / Double(max(plot.height - 1, 1)) : fraction)
            let shown = logarithmic ? pow(10, value) : value
            // Log charts span decades: label them in scientific notation.
            let label = logarithmic && (yMax - yMin > 2 || abs(shown) < 0.01)
                ? String(format: "%.0e", shown)
                : LineChart.format(shown, decimals: LineChart.decimals(forRange: logarithmic ? pow(10, yMax) - pow(10, yMin) : yMax - yMin))
            canvas.write(String(repeating: " ", count: max(labelWidth - label.count, 0)) + label,
                         x: area.x, y: plot.y + row, role: .axis, clip: Rect(x: area.x, y: area.y, width: labelWidth, height: area.height))
        }
        // x labels: range ends and the caption between them.
        let bottom = area.maxY - 1
        canvas[plot.x - 1, bottom] = Cell("└", role: .axis)
        let left = LineChart.format(xMin), right = LineChart.format(xMax)
        canvas.write(left, x: plot.x, y: bottom, role: .axis, clip: area)
        canvas.write(right, x: plot.maxX - right.count, y: bottom, role: .axis, clip: area)
        if !xCaption.isEmpty {
            let start = plot.x + max((plot.width - xCaption.count) / 2, left.count + 1)
            if start + xCaption.count < plot.maxX - right.count { canvas.write(xCaption, x: start, y: bottom, role: .muted, clip: area) }
        }

        // Braille: each cell is 2 dots wide and 4 tall.
        let dotsWide = plot.width * 2, dotsTall = plot.height * 4
        var dots = [UInt8](repeating: 0, count: plot.width * plot.height)
        var roles = [StyleRole?](repeating: nil, count: plot.width * plot.height)
        func dotPosition(_ x: Double, _ y: Double) -> (Int, Int) {
            let column = xMax > xMin ? Int(((x - xMin) / (xMax - xMin) * Double(dotsWide - 1)).rounded()) : dotsWide / 2
            let row = Int(((yMax - y) / (yMax - yMin) * Double(dotsTall - 1)).rounded())
            return (min(max(column, 0), dotsWide - 1), min(max(row, 0), dotsTall - 1))
        }
        func setDot(_ column: Int, _ row: Int, _ role: StyleRole) {
            let cell = (row / 4) * plot.width + column / 2
            // Braille bit numbering: left column dots 1,2,3,7; right column 4,5,6,8.
            let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            dots[cell] |= bits[column % 2][row % 4]
            roles[cell] = role
        }
        for line in series {
            var last: (Int, Int)?
            for point in line.points where point.x.isFinite {
                guard let y = transform(point.y) else { last = nil; continue }
                let (column, row) = dotPosition(point.x, y)
                if let (lastColumn, lastRow) = last {
                    // Bresenham's line between consecutive points.
                    var x0 = lastColumn, y0 = lastRow
                    let dx = abs(column - x0), dy = -abs(row - y0)
                    let sx = x0 < column ? 1 : -1, sy = y0 < row ? 1 : -1
                    var error = dx + dy
                    while true {
                        setDot(x0, y0, line.role)
                        if x0 == column && y0 == row { break }
                        let doubled = 2 * error
                        if doubled >= dy { error += dy; x0 += sx }
                        if doubled <= dx { error += dx; y0 += sy }
                    }
                } else {
                    setDot(column, row, line.role)
                }
                last = (column, row)
            }
        }
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let index = row * plot.width + column
                guard dots[index] != 0, let role = roles[index] else { continue }
                canvas[plot.x + column, plot.y + row] = Cell(Unicode.Scalar(0x2800 + UInt32(dots[index]))!, role: role)
            }
        }
    }

    /// Compact numbers for labels: 0, 1.234, 12.35, 1234, 12.3k, 1.2M; whole numbers
    /// below 10,000 print without decimals.
    public static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return String(format: "%.1fM", value / 1e6) }
        if magnitude >= 1e4 { return String(format: "%.1fk", value / 1e3) }
        if magnitude >= 100 || magnitude == magnitude.rounded() { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    /// `value` with a fixed number of decimals (large values still abbreviate).
    static func format(_ value: Double, decimals: Int) -> String {
        abs(value) >= 1e4 ? format(value) : String(format: "%.\(decimals)f", value)
    }

    /// Enough decimals that the three ticks of a range this wide differ: 2 for a range
    /// of 1–10, 3 below 1, none from 100.
    static func decimals(forRange range: Double) -> Int {
        guard range > 0, range.isFinite else { return 2 }
        return min(max(2 - Int(floor(log10(range))), 0), 4)
    }
}
