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

    /// Dots at the points' scaled coordinates and the labels that fit beside them (see
    /// `MapLayout`); "computing the map…" while there are no points yet.
    static func plot(_ points: [MapPoint], in area: Rect, on canvas: inout Canvas) {
        guard !points.isEmpty else {
            canvas.write("computing the map…", x: area.x, y: area.y, role: .muted, clip: area)
            return
        }
        MapLayout(points: points, area: area).draw(on: &canvas)
    }
}
