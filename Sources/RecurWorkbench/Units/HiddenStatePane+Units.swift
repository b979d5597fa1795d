// The hidden-state pane's views of what units do: the unit finder's list (c), the track
// chosen from it under the heatmap, and the spans that match a selection (b … Enter).
import Foundation
import RecurEngine
import TerminalKit

extension HiddenStatePane {
    /// The last line: what the cursor shows and the keys that act now.
    func statusLine(unit: Int, layers: Int) -> String {
        if view.finder != nil { return "↑↓ pick · Enter show the unit and its track · c or Esc close" }
        if let selection = view.selection {
            let range = selection.range
            return "span \(range.lowerBound + 1)–\(range.upperBound) · ←→ move · b anchor here · Enter match · Esc cancel"
        }
        var line = "unit \(unit)" + (view.sortByVariance ? " · by variance" : "")
        if let track = view.track { line += " · under it: \(track.name) r " + String(format: "%+.2f", track.r) }
        return line + " · ↑↓ unit · g signal · v sort" + (offersGradientFlow ? " · c find units · b select · d gradient flow" : "")
            + (layers > 1 ? " · L layer" : "")
    }

    /// The finder's list, or the matches of a span (or that they are being computed), in
    /// place of the heatmap.
    func renderUnitList(in area: Rect, on canvas: inout Canvas) {
        guard area.height >= 1, area.width >= 1 else { return }
        let (header, list) = area.splitTop(1)
        if let finder = view.finder {
            guard let report = finder.report else {
                canvas.write(String(format: "measuring every unit against the text's tracks… %.0f%%", 100 * finder.progress),
                             x: header.x, y: header.y, role: .muted, clip: header)
                return
            }
            canvas.write("units by |r| over \(report.tokens) tokens, weights of step \(finder.step)", x: header.x, y: header.y, role: .axis, clip: header)
            let entries = finder.entries
            guard !entries.isEmpty else {
                canvas.write("no unit varies over this text", x: list.x, y: list.y, role: .muted, clip: list)
                return
            }
            let first = min(max(finder.selection - list.height / 2, 0), max(entries.count - list.height, 0))
            for (row, entry) in entries.dropFirst(first).prefix(list.height).enumerated() {
                let index = first + row
                let text = "layer \(entry.layer) " + entry.signal.description.padding(toLength: 2, withPad: " ", startingAt: 0)
                    + String(format: "unit %4d  ", entry.unit) + entry.track.padding(toLength: 14, withPad: " ", startingAt: 0)
                var x = canvas.write((index == finder.selection ? "▶" : " ") + text, x: list.x, y: list.y + row,
                                     role: index == finder.selection ? .selection : .text, clip: list)
                x = canvas.write(String(format: "%+.2f ", entry.r), x: x, y: list.y + row, role: .text, clip: list)
                _ = HiddenStatePane.gauge(abs(entry.r), x: x, y: list.y + row, clip: list, on: &canvas)
            }
            return
        }
        guard let matches = view.matches else {
            canvas.write("matching the span against the whole text…", x: header.x, y: header.y, role: .muted, clip: header)
            return
        }
        let settings = matches.request.settings
        guard matches.patternUnits > 0 else {
            canvas.write("no unit of layer \(settings.layer + 1) \(settings.signal) stays above " + String(format: "%.1f", settings.threshold)
                         + " over \"\(matches.span)\": select another span or signal (g)", x: header.x, y: header.y, role: .muted, clip: header)
            return
        }
        let span = matches.span.replacingOccurrences(of: "\n", with: "⏎")
        canvas.write("\(matches.patternUnits) units above " + String(format: "%.1f", settings.threshold)
                     + " over \"\(span)\" · score (shared − extra)/\(matches.patternUnits)", x: header.x, y: header.y, role: .axis, clip: header)
        for (row, entry) in matches.entries.prefix(list.height).enumerated() {
            let y = list.y + row
            var x = canvas.write(String(format: "%+.2f ", entry.score), x: list.x, y: y, role: .text, clip: list)
            // The span centred: as much context on the left as fits half the row.
            let leftRoom = max((list.maxX - x - entry.span.count) / 2, 0)
            let before = String(entry.before.suffix(leftRoom)).replacingOccurrences(of: "\n", with: "⏎")
            x = canvas.write(before, x: x, y: y, role: .muted, clip: list)
            x = canvas.write(entry.span.replacingOccurrences(of: "\n", with: "⏎"), x: x, y: y, role: .selection, clip: list)
            canvas.write(entry.after.replacingOccurrences(of: "\n", with: "⏎"), x: x, y: y, role: .muted, clip: list)
        }
    }

    /// The chosen annotation track over the probe, one heat cell per column, scaled by its
    /// largest magnitude: it lines up with the unit's row above.
    func renderTrack(_ name: String, from start: AnnotationTrack.Start, probe: HiddenStateProbe, columns: Int, labelWidth: Int,
                     in row: Rect, on canvas: inout Canvas) {
        guard let values = AnnotationTrack.all(tokens: probe.tokens, level: level, from: start).first(where: { $0.name == name })?.values else { return }
        canvas.write(String(name.prefix(labelWidth - 1)), x: row.x, y: row.y, role: .title,
                     clip: Rect(x: row.x, y: row.y, width: labelWidth - 1, height: 1))
        let largest = max(values.prefix(columns).map(abs).max() ?? 0, 1e-6)
        Heatmap(rows: 1, columns: columns, values: values.prefix(columns).map { $0 / largest })
            .render(in: Rect(x: row.x + labelWidth, y: row.y, width: columns, height: 1), on: &canvas)
    }
}
