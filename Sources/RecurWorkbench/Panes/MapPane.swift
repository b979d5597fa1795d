// The map pane: the most frequent tokens placed by a 2-D projection of their vectors
// (PCA, or t-SNE animating as it converges), labels beside their points.
import RecurEngine
import TerminalKit

struct MapPane {
    let points: [MapPoint]
    let method: MapMethod

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Map · \(method.rawValue) of the \(points.count) most frequent words · t switches",
                   role: focused ? .focusedBorder : .border)
        MapPane.plot(points, in: area.inset(by: 1), on: &canvas)
    }

    /// Labels placed at their coordinates, scaled to fill the area.
    static func plot(_ points: [MapPoint], in area: Rect, on canvas: inout Canvas) {
        guard !points.isEmpty, area.width > 4, area.height > 1 else {
            canvas.write("computing the map…", x: area.x, y: area.y, role: .muted, clip: area)
            return
        }
        let xs = points.map(\.x), ys = points.map(\.y)
        let (xMin, xMax, yMin, yMax) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        for point in points {
            let column = area.x + Int(((point.x - xMin) / max(xMax - xMin, 1e-9)) * Float(area.width - 2))
            let row = area.y + Int(((yMax - point.y) / max(yMax - yMin, 1e-9)) * Float(area.height - 1))
            canvas[column, row] = Cell("•", role: .bar)
            canvas.write(point.label, x: column + 1, y: row, role: .text, clip: area)
        }
    }
}
