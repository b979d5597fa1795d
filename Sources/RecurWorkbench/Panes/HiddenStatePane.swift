// The hidden-state pane: units (rows) × time steps (columns) of one layer's h, c or a
// gate over a probe text, with the text underneath coloured by the unit under the cursor
// (Karpathy's "visualising units" view). Units can be sorted by variance and scrolled.
import RecurEngine
import TerminalKit

struct HiddenStatePane {
    let probe: HiddenStateProbe?
    let model: ModelConfig?
    let view: HiddenView
    let gradientFlow: GradientFlow?
    var level: TokenLevel = .char
    /// Whether `d` can measure the gradient flow (only while training here).
    var offersGradientFlow = true

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        if view.showGradientFlow {
            renderGradientFlow(in: area, on: &canvas, focused: focused)
            return
        }
        let layers = probe?.layers ?? 1
        let layer = min(view.layer ?? layers - 1, layers - 1)
        var title = "Hidden state"
        if let model {
            title += " · \(model.cellName) \(model.hidden)×\(model.layers) · layer \(layer + 1) · \(view.signal)"
        }
        canvas.box(area, title: title, role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let probe, probe.steps > 0, inner.height >= 4, inner.width >= 12,
              let matrix = probe.matrix(layer: layer, signal: view.signal) ?? probe.matrix(layer: layer) else {
            canvas.write("waiting for the first weights…", x: inner.x, y: inner.y, role: .muted, clip: inner)
            return
        }
        let labelWidth = 5
        var (heatArea, textRows) = inner.splitBottom(2)
        // LSTM and GRU: one more row of gauges for how saturated each gate is.
        let gates = probe.signals.compactMap { signal -> Character? in if case .gate(let letter) = signal, letter != "g", letter != "n" { return letter } else { return nil } }
        if !gates.isEmpty, heatArea.height > 4 {
            let saturationRow: Rect
            (heatArea, saturationRow) = heatArea.splitBottom(1)
            renderSaturation(probe: probe, layer: layer, gates: gates, in: saturationRow, on: &canvas)
        }
        let columns = min(probe.steps, heatArea.width - labelWidth)
        let H = probe.units
        let order = HiddenStatePane.unitOrder(matrix, steps: probe.steps, units: H, byVariance: view.sortByVariance)
        let cursor = min(view.cursor, H - 1)
        let scale = HiddenStatePane.scale(matrix, signal: view.signal)
        if view.showsUnitList {
            renderUnitList(in: heatArea, on: &canvas)
        } else {
            if let track = view.track, heatArea.height > 2 {
                let trackRow: Rect
                (heatArea, trackRow) = heatArea.splitBottom(1)
                renderTrack(track.name, from: track.start, probe: probe, columns: columns, labelWidth: labelWidth, in: trackRow, on: &canvas)
            }
            // Scroll so that the cursor row is visible.
            let rows = min(H, heatArea.height)
            let first = min(max(cursor - rows / 2, 0), H - rows)
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
        }
        // The probe text, each token coloured by the cursor unit's value at that step:
        // characters under their columns; words (too wide for a column) as running text.
        let unit = order[cursor]
        let wordLevel = probe.tokens.contains { $0.unicodeScalars.count > 1 }
        var x = textRows.x + labelWidth
        let selected = view.selection?.range
        for step in 0..<(wordLevel ? probe.steps : columns) {
            let role = selected?.contains(step) == true || view.selection?.cursor == step ? StyleRole.selection
                : StyleRole.heat(Heatmap.level(HiddenStatePane.display(matrix[step * H + unit], scale: scale, signal: view.signal)))
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
        canvas.write(statusLine(unit: unit, layers: layers), x: textRows.x, y: textRows.y + 1, role: .muted, clip: textRows)
    }

    /// For each sigmoid gate of the layer, the share of unit activations over the probe
    /// that are saturated near 0 (< 0.1) and near 1 (> 0.9), as two small gauges.
    private func renderSaturation(probe: HiddenStateProbe, layer: Int, gates: [Character], in row: Rect, on canvas: inout Canvas) {
        var x = canvas.write("saturated ≈0|≈1 ", x: row.x, y: row.y, role: .muted, clip: row)
        for letter in gates {
            guard let values = probe.matrix(layer: layer, signal: .gate(letter)), !values.isEmpty else { continue }
            let low = Double(values.lazy.filter { $0 < 0.1 }.count) / Double(values.count)
            let high = Double(values.lazy.filter { $0 > 0.9 }.count) / Double(values.count)
            x = canvas.write("\(letter) ", x: x, y: row.y, role: .title, clip: row)
            x = HiddenStatePane.gauge(low, x: x, y: row.y, clip: row, on: &canvas)
            x = canvas.write("|", x: x, y: row.y, role: .muted, clip: row)
            x = HiddenStatePane.gauge(high, x: x, y: row.y, clip: row, on: &canvas)
            x = canvas.write(String(format: " %2.0f%%|%2.0f%%  ", 100 * low, 100 * high), x: x, y: row.y, role: .muted, clip: row)
        }
    }

    /// A 4-cell gauge with eighth-block resolution; returns the column after it.
    static func gauge(_ fraction: Double, x: Int, y: Int, clip: Rect, on canvas: inout Canvas) -> Int {
        let width = 4
        let eighths = Int((min(max(fraction, 0), 1) * Double(width * 8)).rounded())
        for cell in 0..<width {
            let filled = min(max(eighths - cell * 8, 0), 8)
            let glyph: Unicode.Scalar = filled == 0 ? "░" : filled == 8 ? "█" : Unicode.Scalar(0x2590 - UInt32(filled))!
            if clip.contains(x: x + cell, y: y) { canvas[x + cell, y] = Cell(glyph, role: .bar) }
        }
        return x + width
    }

    /// ‖∂L_T/∂h_{T−k}‖ against k on a log scale, one line per layer.
    private func renderGradientFlow(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Gradient flow through time · ‖∂L_T/∂h_{T−k}‖ · d heatmap", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard let flow = gradientFlow, inner.height >= 4 else {
            canvas.write("waiting for the first weights…", x: inner.x, y: inner.y, role: .muted, clip: inner)
            return
        }
        let (chart, legend) = inner.splitBottom(1)
        let roles: [StyleRole] = [.trainLoss, .validationLoss, .smoothedLoss, .bar]
        let series = flow.norms.enumerated().map { layer, norms in
            ChartSeries(points: norms.enumerated().map { (x: Double($0.offset), y: $0.element) }, role: roles[layer % roles.count])
        }
        LineChart(series: series, xCaption: "k steps back", logarithmic: true).render(in: chart, on: &canvas)
        var x = legend.x
        for layer in flow.norms.indices {
            x = canvas.write("━ layer \(layer + 1)", x: x, y: legend.y, role: roles[layer % roles.count], clip: legend) + 2
        }
        canvas.write(String(format: "kept over the window: %.1e", flow.retention), x: x, y: legend.y, role: .muted, clip: legend)
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
