// The n-gram floor on a loss chart: the best n-gram model's validation loss, drawn across
// the chart as the loss a network must get under. Both loss charts (one model's and a
// race's) draw it from here.
import TerminalKit

struct FloorLine {
    /// The n of the n-gram model, and its loss in nats per token.
    let order: Int
    let loss: Double

    /// The line from `first` to `last` on the x axis (at least one unit long, so that a
    /// single point still shows it), in the axis colour, below the curves.
    func series(from first: Double, to last: Double) -> ChartSeries {
        ChartSeries(points: [(x: first, y: loss), (x: max(last, first + 1), y: loss)], role: .axis)
    }
}
