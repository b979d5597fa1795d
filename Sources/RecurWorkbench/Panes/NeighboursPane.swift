// The neighbours pane: the tokens closest to a query — one token, or an analogy
// a − b + c — by cosine similarity of their embedding rows, each with its similarity and
// a bar; or a 2-D PCA map of the most frequent tokens.
import Foundation
import RecurEngine
import TerminalKit

struct NeighboursPane {
    let vocabulary: Vocabulary?
    let view: NeighboursView
    let entry: String?

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: view.showMap ? "Neighbours · map (\(view.method.rawValue))" : "Neighbours", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let vocabulary, inner.height >= 2 else { return }
        let (header, body) = inner.splitTop(1)
        if let entry {
            let end = canvas.write("/ " + entry, x: header.x, y: header.y, role: .selection, clip: header)
            canvas.write("▏ Tab completes, Enter searches", x: end, y: header.y, role: .muted, clip: header)
        } else {
            let x = canvas.write("nearest to ", x: header.x, y: header.y, role: .muted, clip: header)
            let end = canvas.write(describeQuery(vocabulary), x: x, y: header.y, role: .selection, clip: header)
            canvas.write("  / query", x: end, y: header.y, role: .muted, clip: header)
        }
        if view.showMap {
            MapPane.plot(view.map, in: body, on: &canvas)
            return
        }
        let items = view.results.map {
            BarList.Item(label: NeighboursPane.label(vocabulary.tokens[Int($0.id)]), value: Double($0.similarity))
        }
        BarList(items: items, maximum: 1, selected: focused ? view.selection : nil).render(in: body, on: &canvas)
    }

    /// "'e'" for one token; "king − man + woman" for an analogy.
    func describeQuery(_ vocabulary: Vocabulary) -> String {
        var parts: [String] = []
        for (index, id) in view.positive.enumerated() {
            parts.append((index == 0 ? "" : "+ ") + NeighboursPane.label(vocabulary.tokens[Int(id)]))
        }
        for id in view.negative { parts.append("− " + NeighboursPane.label(vocabulary.tokens[Int(id)])) }
        return parts.joined(separator: " ")
    }

    /// Tokens made visible: quotes around characters, names for whitespace.
    static func label(_ token: String) -> String {
        switch token {
        case " ": "'␣'"
        case "\n": "'⏎'"
        case "\t": "'⇥'"
        default: token.unicodeScalars.count == 1 ? "'\(token)'" : token
        }
    }
}
