// The architecture race's panes: every model's smoothed training loss and validation
// loss on one chart, and every model's sample side by side at the shared temperature.
import Foundation
import RecurEngine
import TerminalKit

/// Roles that tell the racing models apart, in order.
let raceRoles: [StyleRole] = [.smoothedLoss, .validationLoss, .bar, .sliderKnob, .trainLoss, .warning]

struct RaceLossPane {
    let entries: [RaceEntry]
    let view: LossView
    /// The best n-gram floor of the text, drawn across the chart.
    var floor: FloorLine?
    /// For bits per character or perplexity beside the validation loss.
    var level: TokenLevel?

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Loss · each model's smoothed training loss and its validation loss", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 3 else { return }
        let (chart, legend) = inner.splitBottom(min(entries.count, max(inner.height - 3, 1)))
        var series: [ChartSeries] = []
        // z: only the most recent steps, as the single-model chart does.
        let start = view.recentOnly ? (entries.compactMap { $0.losses.last?.step }.max() ?? 0) - LossView.recentWindow : Int.min
        for (index, entry) in entries.enumerated() {
            let role = raceRoles[index % raceRoles.count]
            let raw = entry.losses.filter { $0.step > start }.map { (x: Double($0.step), y: $0.loss) }
            series.append(ChartSeries(points: LossPane.smoothed(raw, weight: view.smoothing), role: role))
            series.append(ChartSeries(points: entry.validationLosses.filter { $0.step > start }.map { (x: Double($0.step), y: $0.loss) }, role: role))
        }
        let steps = entries.flatMap { $0.losses.filter { $0.step > start }.map(\.step) }
        if let floor, let first = steps.min(), let last = steps.max() {
            series.insert(floor.series(from: Double(first), to: Double(last)), at: 0)
        }
        LineChart(series: series, xCaption: "step", logarithmic: view.logarithmic).render(in: chart, on: &canvas)
        if let floor, !steps.isEmpty {
            // Its label at the chart's top right, where the curves rarely are after the start.
            let label = String(format: " %d-gram floor %.2f ", floor.order, floor.loss)
            canvas.write(label, x: max(chart.maxX - label.count, chart.x), y: chart.y, role: .axis, clip: chart)
        }
        let settings = (view.logarithmic ? "log" : "linear") + (view.recentOnly ? " · recent" : " · all")
            + String(format: " · smoothed %.2f", view.smoothing)
        // On the bottom border, where it takes no row from the chart.
        canvas.write(" \(settings) ", x: max(area.maxX - settings.count - 4, area.x + 1), y: area.maxY - 1, role: .muted, clip: area)
        for (index, entry) in entries.enumerated() where index < legend.height {
            let role = raceRoles[index % raceRoles.count]
            var text = "━ \(entry.name)"
            if let last = entry.losses.last { text += String(format: "   train %.3f", last.loss) }
            if let validation = entry.validationLosses.last {
                text += String(format: "   val %.3f", validation.loss) + (level.map { " (\($0.describe(nats: validation.loss)))" } ?? "")
            }
            text += "   \(LineChart.format(entry.tokensPerSecond.rounded())) tok/s"
            canvas.write(text, x: legend.x, y: legend.y + index, role: role, clip: legend)
        }
    }
}

struct RaceSamplesPane {
    let entries: [RaceEntry]
    let view: SampleView
    var vocabulary: Vocabulary?
    /// A setting being typed (k, t, i, =): drawn where the settings are.
    var entry: TextEntry?

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Samples", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 3, !entries.isEmpty else { return }
        let (settingsRows, columns) = inner.splitTop(2)
        let (sliderRow, settingsRow) = settingsRows.splitTop(1)
        if case .temperature = entry, let entry {
            canvas.write(entry.prompt, x: sliderRow.x, y: sliderRow.y, role: .selection, clip: sliderRow)
        } else {
            Slider(label: "temperature", value: view.temperature, range: AppState.temperatureRange).render(in: sliderRow, on: &canvas)
        }
        switch entry {
        case .prime, .topK, .topP:
            canvas.write(entry?.prompt ?? "", x: settingsRow.x, y: settingsRow.y, role: .selection, clip: settingsRow)
        default:
            let line = SamplePane(view: view, vocabulary: vocabulary, entry: nil).settingsLine
            canvas.write(line, x: settingsRow.x, y: settingsRow.y, role: .muted, clip: settingsRow)
        }
        let width = columns.width / entries.count
        for (index, entry) in entries.enumerated() {
            let column = Rect(x: columns.x + index * width, y: columns.y, width: width - 1, height: columns.height)
            let (title, text) = column.splitTop(1)
            canvas.write(entry.name, x: title.x, y: title.y, role: raceRoles[index % raceRoles.count], clip: title)
            if entry.sample.isEmpty {
                canvas.write("waiting for weights…", x: text.x, y: text.y, role: .muted, clip: text)
            } else {
                TextBlock(entry.sample).render(in: text, on: &canvas)
            }
        }
    }
}
