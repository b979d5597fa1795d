// The map pane: the most frequent tokens placed by a 2-D projection of their vectors
// (PCA, or t-SNE or UMAP animating as they converge), labels beside their points.
import RecurEngine
import TerminalKit

struct MapPane {
    let points: [MapPoint]
    let method: MapMethod

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        let inner = area.inset(by: 1)
        let layout = points.isEmpty ? nil : MapLayout(points: points, area: inner)
        // The box writes " title " between its corners.
        let title = MapPane.title(method: method, words: points.count, hidden: layout?.hidden ?? 0, width: area.width - 4)
        canvas.box(area, title: title, role: focused ? .focusedBorder : .border)
        MapPane.plot(points, in: inner, on: &canvas, layout: layout)
    }

    /// What the map shows: the method and its parameters, how many words, and how many
    /// of their labels found no room — so that a crowded map says it is showing less than
    /// it has. The longest wording that fits `width` columns, so a narrow pane does not
    /// cut the count off (the parameters go first).
    static func title(method: MapMethod, words: Int, hidden: Int, width: Int = .max) -> String {
        let parameters = words > 0 ? method.parameters(words: words) : ""
        let named = parameters.isEmpty ? method.rawValue : "\(method.rawValue) (\(parameters))"
        let name = method.rawValue
        guard words > 0 else { return "Map · \(name) · t switches" }
        let plural = words == 1 ? "" : "s"
        let hiddenLabels = hidden == 0 ? "" : " · \(hidden) label\(hidden == 1 ? "" : "s") hidden"
        let withParameters = parameters.isEmpty ? [] : [
            "Map · \(named) of the \(words) most frequent word\(plural)\(hiddenLabels) · t switches",
            "Map · \(named) of \(words) word\(plural)\(hiddenLabels)",
        ]
        let wordings = withParameters + [
            "Map · \(name) of the \(words) most frequent word\(plural)\(hiddenLabels) · t switches",
            "Map · \(name) of the \(words) most frequent word\(plural)\(hiddenLabels)",
            "Map · \(name) of \(words) word\(plural)\(hiddenLabels)",
            "Map · \(name) · \(words) word\(plural)" + (hidden == 0 ? "" : " · \(hidden) hidden"),
        ]
        return wordings.first { Canvas.width(of: $0) <= width } ?? wordings[wordings.count - 1]
    }

    /// Dots at the points' scaled coordinates and the labels that fit beside them (see
    /// `MapLayout`); "computing the map…" while there are no points yet.
    static func plot(_ points: [MapPoint], in area: Rect, on canvas: inout Canvas, layout: MapLayout? = nil) {
        guard !points.isEmpty else {
            canvas.write("computing the map…", x: area.x, y: area.y, role: .muted, clip: area)
            return
        }
        (layout ?? MapLayout(points: points, area: area)).draw(on: &canvas)
    }
}
