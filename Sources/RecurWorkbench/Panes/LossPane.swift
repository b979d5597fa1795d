// The loss pane: training loss (raw and smoothed) and validation loss against steps.
import Foundation
import RecurEngine
import TerminalKit

struct LossPane {
    let losses: [LossPoint]
    let validationLosses: [LossPoint]

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Loss", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 2 else { return }
        let (header, chartArea) = inner.splitTop(1)
        var x = header.x
        if let last = losses.last {
            x = canvas.write(String(format: "train %.3f", last.loss), x: x, y: header.y, role: .trainLoss, clip: header) + 2
        }
        if let validation = validationLosses.last {
            let best = validationLosses.map(\.loss).min() ?? validation.loss
            x = canvas.write(String(format: "val %.3f (best %.3f, ppl %.2f)", validation.loss, best, exp(best)),
                             x: x, y: header.y, role: .validationLoss, clip: header) + 2
        }
        let raw = losses.map { (x: Double($0.step), y: $0.loss) }
        let chart = LineChart(series: [
            ChartSeries(points: raw, role: .trainLoss),
            ChartSeries(points: LossPane.smoothed(raw), role: .smoothedLoss),
            ChartSeries(points: validationLosses.map { (x: Double($0.step), y: $0.loss) }, role: .validationLoss),
        ], xCaption: "step")
        chart.render(in: chartArea, on: &canvas)
    }

    /// Exponential moving average (weight 0.95 on the past), bias-corrected at the start.
    static func smoothed(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var average = 0.0, weight = 0.0
        return points.map { point in
            average = 0.95 * average + 0.05 * point.y
            weight = 0.95 * weight + 0.05
            return (point.x, average / weight)
        }
    }
}
