// The hidden-state pane: units (rows) × time steps (columns) of the last layer over a
// probe text, with the probe's characters along the bottom.
import RecurEngine
import TerminalKit

struct HiddenStatePane {
    let probe: HiddenStateProbe?
    let cell: String

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Hidden state · \(cell) h_t", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let probe, probe.steps > 0, inner.height >= 3, inner.width >= 8 else {
            canvas.write("waiting for the first weights…", x: inner.x, y: inner.y, role: .muted, clip: inner)
            return
        }
        let labelWidth = 4
        let (heatArea, tokenRow) = inner.splitBottom(1)
        let columns = min(probe.steps, heatArea.width - labelWidth)
        let rows = min(probe.units, heatArea.height)
        guard columns > 0, rows > 0 else { return }
        // Unit numbers on the left: the first and last shown.
        canvas.write("u0", x: heatArea.x, y: heatArea.y, role: .axis, clip: heatArea)
        if rows > 1 { canvas.write("u\(rows - 1)", x: heatArea.x, y: heatArea.y + rows - 1, role: .axis, clip: heatArea) }
        var values: [Float] = []
        values.reserveCapacity(rows * columns)
        for unit in 0..<rows {
            for step in 0..<columns { values.append(probe.activation(step: step, unit: unit)) }
        }
        Heatmap(rows: rows, columns: columns, values: values)
            .render(in: Rect(x: heatArea.x + labelWidth, y: heatArea.y, width: columns, height: rows), on: &canvas)
        for step in 0..<columns {
            let token = probe.tokens[step]
            let shown: Unicode.Scalar = token == " " ? "␣" : token == "\n" ? "⏎" : (token.unicodeScalars.first ?? "?")
            canvas[tokenRow.x + labelWidth + step, tokenRow.y] = Cell(Canvas.printable(shown), role: .text)
        }
        if probe.units > rows {
            canvas.write("+\(probe.units - rows)", x: tokenRow.x, y: tokenRow.y, role: .muted, clip: tokenRow)
        }
    }
}
