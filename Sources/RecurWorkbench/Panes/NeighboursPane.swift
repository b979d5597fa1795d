// The neighbours pane: the tokens closest to a query token by cosine similarity of their
// embedding rows.
import RecurEngine
import TerminalKit

struct NeighboursPane {
    let vocabulary: Vocabulary?
    let query: Int32
    let neighbours: [Neighbour]

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Neighbours", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let vocabulary, inner.height >= 2 else { return }
        let (header, list) = inner.splitTop(1)
        let x = canvas.write("nearest to ", x: header.x, y: header.y, role: .muted, clip: header)
        let end = canvas.write(NeighboursPane.label(vocabulary.tokens[Int(query)]), x: x, y: header.y, role: .selection, clip: header)
        canvas.write("  ↑↓ change", x: end, y: header.y, role: .muted, clip: header)
        let items = neighbours.map {
            BarList.Item(label: NeighboursPane.label(vocabulary.tokens[Int($0.id)]), value: Double($0.similarity))
        }
        BarList(items: items, maximum: 1).render(in: list, on: &canvas)
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
