// The loss pane: training loss (raw and smoothed) and validation loss on one chart,
// against steps, tokens or time, linear or logarithmic, the whole run or the recent part.
import Foundation
import RecurEngine
import TerminalKit

struct LossPane {
    let losses: [LossPoint]
    let validationLosses: [LossPoint]
    let view: LossView
    /// Validation runs every this many steps (0: unknown), for the hint before the first.
    var evaluationInterval = 0
    /// What the token axis counts: "tokens", or "words trained" for word2vec.
    var tokenUnit = "tokens"
    /// The model's token level, for bits per character or perplexity beside the loss.
    var level: TokenLevel?
    /// The best n-gram floor (order, nats per token), drawn as a labelled line.
    var floor: FloorLine?
    /// Whether the run has a validation curve (word2vec has none), for the legend.
    var hasValidation = true
    /// Which validation tokens the validation loss reads, when not all (--eval-tokens).
    var validationSlice: String?
    /// How much of a validation under way has been read (0–1), nil when none is.
    var validationProgress: Double?

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Loss", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 3 else { return }
        let (header, rest) = inner.splitTop(1)
        let (chartArea, legendRow) = rest.splitBottom(1)
        var x = header.x
        if let last = losses.last {
            x = canvas.write(String(format: "train %.3f", last.loss), x: x, y: header.y, role: .trainLoss, clip: header) + 2
        }
        if let validation = validationLosses.last {
            let best = validationLosses.map(\.loss).min() ?? validation.loss
            let unit = level.map { "  (\($0.describe(nats: best)))" } ?? String(format: "  ppl %.2f", exp(best))
            x = canvas.write(String(format: "val %.3f  best %.3f", validation.loss, best) + unit,
                             x: x, y: header.y, role: .validationLoss, clip: header) + 2
            if let validationProgress {
                canvas.write(String(format: "validating %.0f%%", 100 * validationProgress), x: x, y: header.y, role: .muted, clip: header)
            }
        } else if let validationProgress {
            canvas.write(String(format: "first validation: %.0f%% read", 100 * validationProgress), x: x, y: header.y, role: .muted, clip: header)
        } else if evaluationInterval > 0 {
            // Say when the first validation loss will come, instead of leaving a blank.
            let next = ((losses.last?.step ?? 0) / evaluationInterval + 1) * evaluationInterval
            canvas.write("first validation at step \(next) or after \(Int(Session.firstEvaluationSeconds)) s", x: x, y: header.y, role: .muted, clip: header)
        }
        var shown = losses, shownValidation = validationLosses
        if view.recentOnly, let last = losses.last {
            let start = last.step - LossView.recentWindow
            shown = losses.filter { $0.step > start }
            shownValidation = validationLosses.filter { $0.step > start }
        }
        let raw = shown.map { (x: position($0), y: $0.loss) }
        var series = [ChartSeries(points: raw, role: .trainLoss)]
        if view.smoothing > 0 { series.append(ChartSeries(points: LossPane.smoothed(raw, weight: view.smoothing), role: .smoothedLoss)) }
        series.append(ChartSeries(points: shownValidation.map { (x: position($0), y: $0.loss) }, role: .validationLoss))
        // The n-gram floor across the whole width: the loss a model must get under.
        if let floor, let first = raw.first?.x, let last = raw.last?.x {
            series.insert(floor.series(from: first, to: last), at: 0)
        }
        LineChart(series: series, xCaption: caption, logarithmic: view.logarithmic).render(in: chartArea, on: &canvas)
        // Legend: what each colour is, and the view's settings.
        var legendX = legendRow.x
        var labels = [("━ train", StyleRole.trainLoss), (String(format: "━ smoothed %.2f", view.smoothing), .smoothedLoss), (validationSlice.map { "━ val, \($0)" } ?? "━ val", .validationLoss)]
        if let floor { labels.append((String(format: "━ %d-gram %.2f", floor.order, floor.loss), .axis)) }
        for (label, role) in labels {
            if role == .smoothedLoss && view.smoothing == 0 || role == .validationLoss && !hasValidation { continue }
            legendX = canvas.write(label, x: legendX, y: legendRow.y, role: role, clip: legendRow) + 2
        }
        let settings = (view.logarithmic ? "log" : "linear") + (view.recentOnly ? " · recent" : " · all")
        canvas.write(settings, x: max(legendRow.maxX - settings.count, legendX), y: legendRow.y, role: .muted, clip: legendRow)
    }

    private var caption: String {
        switch view.axis {
        case .steps: "step"
        case .tokens: tokenUnit
        case .time: "seconds"
        }
    }

    private func position(_ point: LossPoint) -> Double {
        switch view.axis {
        case .steps: Double(point.step)
        case .tokens: Double(point.tokens)
        case .time: point.elapsed
        }
    }

    /// Exponential moving average with `weight` on the past, bias-corrected at the start.
    static func smoothed(_ points: [(x: Double, y: Double)], weight: Double = 0.95) -> [(x: Double, y: Double)] {
        var average = 0.0, total = 0.0
        return points.map { point in
            average = weight * average + (1 - weight) * point.y
            total = weight * total + (1 - weight)
            return (point.x, average / total)
        }
    }
}
