// The hidden-state pane: units (rows) × time steps (columns) of one layer's h, c or a
// gate over a probe text, with the text underneath coloured by the unit under the cursor
// (Karpathy's "visualising units" view). Units can be sorted by variance and scrolled.
import RecurEngine
import TerminalKit

struct HiddenStatePane {
    let probe: HiddenStateProbe?
    let model: ModelConfig?
    let view: HiddenView

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        let layers = probe?.layers ?? 1
        let layer = min(view.layer ?? layers - 1, layers - 1)
        var title = "Hidden state"
        if let model {
            let name = model.cell == .rnn ? "RNN \(model.activation.rawValue)" : model.cell.rawValue.uppercased()
            title += " · \(name) \(model.hidden)×\(model.layers) · layer \(layer + 1) · \(view.signal)"
        }
        canvas.box(area, title: title, role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let probe, probe.steps > 0, inner.height >= 4, inner.width >= 12,
              let matrix = probe.matrix(layer: layer, signal: view.signal) ?? probe.matrix(layer: layer) else {
            canvas.write("waiting for the first weights…", x: inner.x, y: inner.y, role: .muted, clip: inner)
            return
        }
        let labelWidth = 5
        let (heatArea, textRows) = inner.splitBottom(2)
        let columns = min(probe.steps, heatArea.width - labelWidth)
        let H = probe.units
        let order = HiddenStatePane.unitOrder(matrix, steps: probe.steps, units: H, byVariance: view.sortByVariance)
        let cursor = min(view.cursor, H - 1)
        // Scroll so that the cursor row is visible.
        let rows = min(H, heatArea.height)
        let first = min(max(cursor - rows / 2, 0), H - rows)
        let scale = HiddenStatePane.scale(matrix, signal: view.signal)
        var values: [Float] = []
        values.reserveCapacity(rows * columns)
        for row in 0..<rows {
            let unit = order[first + row]
            for step in 0..<columns { values.append(HiddenStatePane.display(matrix[step * H + unit], scale: scale, signal: view.signal)) }
            let label = (first + row == cursor ? "▶" : " ") + "\(unit)"
            canvas.write(label, x: heatArea.x, y: heatArea.y + row, role: first + row == cursor ? .selection : .axis,
                         clip: Rect(x: heatArea.x, y: heatArea.y, width: labelWidth - 1, height: heatArea.height))
        }
        Heatmap(rows: rows, columns: columns, values: values)
            .render(in: Rect(x: heatArea.x + labelWidth, y: heatArea.y, width: columns, height: rows), on: &canvas)
        // The probe text, each token coloured by the cursor unit's value at that step:
        // characters under their columns; words (too wide for a column) as running text.
        let unit = order[cursor]
        let wordLevel = probe.tokens.contains { $0.unicodeScalars.count > 1 }
        var x = textRows.x + labelWidth
        for step in 0..<(wordLevel ? probe.steps : columns) {
            let role = StyleRole.heat(Heatmap.level(HiddenStatePane.display(matrix[step * H + unit], scale: scale, signal: view.signal)))
            let token = probe.tokens[step]
            if wordLevel {
                if x >= textRows.maxX { break }
                let shown = token == "\n" ? "⏎" : token
                x = canvas.write(shown, x: x, y: textRows.y, role: role, clip: textRows) + 1
            } else {
                let shown: Unicode.Scalar = token == " " ? "␣" : token == "\n" ? "⏎" : (token.unicodeScalars.first ?? "?")
                canvas[x + step, textRows.y] = Cell(Canvas.printable(shown), role: role)
            }
        }
        let status = "unit \(unit)" + (view.sortByVariance ? " · by variance" : "") + " · ↑↓ unit · g signal · v sort" + (layers > 1 ? " · L layer" : "")
        canvas.write(status, x: textRows.x, y: textRows.y + 1, role: .muted, clip: textRows)
    }

    /// Units in display order: as numbered, or by decreasing variance over the probe.
    static func unitOrder(_ matrix: [Float], steps: Int, units: Int, byVariance: Bool) -> [Int] {
        guard byVariance else { return Array(0..<units) }
        let variances = (0..<units).map { unit -> Double in
            var sum = 0.0, squares = 0.0
            for step in 0..<steps {
                let value = Double(matrix[step * units + unit])
                sum += value
                squares += value * value
            }
            let mean = sum / Double(steps)
            return squares / Double(steps) - mean * mean
        }
        return (0..<units).sorted { variances[$0] != variances[$1] ? variances[$0] > variances[$1] : $0 < $1 }
    }

    /// Cell states are unbounded: they are shown relative to the largest magnitude.
    static func scale(_ matrix: [Float], signal: ProbeSignal) -> Float {
        guard signal == .cell else { return 1 }
        return max(matrix.map(abs).max() ?? 1, 1e-6)
    }

    /// Values on the heat ramp: h and the gates as they are (tanh values fill [−1, 1],
    /// sigmoid gates the positive half), c relative to its largest magnitude.
    static func display(_ value: Float, scale: Float, signal: ProbeSignal) -> Float {
        signal == .cell ? value / scale : value
    }
}
