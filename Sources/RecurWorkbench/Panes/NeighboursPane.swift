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
    /// Tab's candidates while a query is typed.
    var completion: Completion?
    /// Which tokens the map shows, said above it.
    var mapCaption = "most frequent words"

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: view.showMap ? "Neighbours · map (\(view.method.rawValue))" : "Neighbours", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let vocabulary, inner.height >= 2 else { return }
        let (header, body) = inner.splitTop(1)
        if let entry {
            let end = canvas.write("/ " + entry, x: header.x, y: header.y, role: .selection, clip: header)
            canvas.write("▏ Tab completes, Enter searches", x: end, y: header.y, role: .muted, clip: header)
        } else if view.showMap {
            // The map shows the most frequent words, not the query's neighbours: say so.
            canvas.write("\(view.map.count) \(mapCaption), \(view.method.rawValue) · m back to the list",
                         x: header.x, y: header.y, role: .muted, clip: header)
        } else {
            let x = canvas.write("nearest to ", x: header.x, y: header.y, role: .muted, clip: header)
            let end = canvas.write(describeQuery(vocabulary), x: x, y: header.y, role: .selection, clip: header)
            canvas.write("  / query", x: end, y: header.y, role: .muted, clip: header)
        }
        if let completion, entry != nil, body.height >= 1 {
            // The candidates, the one in the query highlighted: Tab moves to the next.
            var x = canvas.write("Tab ", x: body.x, y: body.y, role: .muted, clip: body)
            for (index, candidate) in completion.candidates.enumerated() {
                x = canvas.write(NeighboursPane.label(candidate), x: x, y: body.y, role: index == completion.index ? .selection : .text, clip: body) + 1
            }
            return
        }
        if view.showMap {
            MapPane.plot(view.map, in: body, on: &canvas)
            return
        }
        // A pinned query shows how each neighbour moved since the epoch began.
        let baseline = view.positive.count == 1 && view.negative.isEmpty ? view.pinnedBaseline[view.positive[0]] : nil
        var list = body
        if let baseline, list.height >= 3 {
            let dropped = baseline.filter { id in !view.results.contains { $0.id == id } }.prefix(6)
            let footer: Rect
            (list, footer) = list.splitBottom(1)
            let text = dropped.isEmpty ? "pinned · no neighbour left since epoch \(view.baselineEpoch)"
                : "pinned · left since epoch \(view.baselineEpoch): " + dropped.map { NeighboursPane.label(vocabulary.tokens[Int($0)]) }.joined(separator: " ")
            canvas.write(text, x: footer.x, y: footer.y, role: .muted, clip: footer)
        }
        let items = view.results.enumerated().map { rank, neighbour -> BarList.Item in
            var label = NeighboursPane.label(vocabulary.tokens[Int(neighbour.id)])
            if let baseline {
                if let before = baseline.firstIndex(of: neighbour.id) {
                    if before != rank { label += before > rank ? " ↑\(before - rank)" : " ↓\(rank - before)" }
                } else {
                    label += " new"
                }
            }
            return BarList.Item(label: label, value: Double(neighbour.similarity))
        }
        BarList(items: items, maximum: 1, selected: focused ? view.selection : nil).render(in: list, on: &canvas)
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
