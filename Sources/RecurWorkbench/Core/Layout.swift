// Where each pane goes for a terminal size: plain rectangle arithmetic.
import TerminalKit

/// The screen's regions for one terminal size.
struct WorkbenchLayout: Equatable {
    /// The smallest size the panes are drawn at; below it a notice is shown instead.
    static let minimum = Size(columns: 60, rows: 18)

    let status: Rect
    let panes: [PaneID: Rect]

    /// The panes present, in focus order.
    var order: [PaneID] { panes.keys.sorted { $0.rawValue < $1.rawValue } }

    /// nil when `size` is below the minimum. With `expanded`, that pane takes the whole
    /// body and the others are hidden.
    init?(size: Size, mode: WorkbenchMode = .languageModel, expanded: PaneID? = nil) {
        guard size.columns >= WorkbenchLayout.minimum.columns, size.rows >= WorkbenchLayout.minimum.rows else { return nil }
        let (body, statusRow) = Rect(size: size).splitBottom(1)
        status = statusRow
        if let expanded {
            panes = [expanded: body]
            return
        }
        switch mode {
        case .languageModel, .watch: break
        case .word2vec:
            // The loss over the map on the left, the neighbour list on the right.
            let (left, right) = body.splitHorizontally(fraction: 0.62)
            let (loss, map) = left.splitVertically(fraction: 0.4)
            panes = [.loss: loss, .map: map, .neighbours: right]
            return
        case .vectors:
            let (left, right) = body.splitHorizontally(fraction: 0.4)
            panes = [.neighbours: left, .map: right]
            return
        case .race:
            let (loss, samples) = body.splitVertically(fraction: 0.55)
            panes = [.loss: loss, .sample: samples]
            return
        }
        // Left: the loss chart over the heatmap; right: neighbours over the sample. Wide
        // screens give the left column less, tall ones give the heatmap more rows.
        let (left, right) = body.splitHorizontally(fraction: size.columns >= 160 ? 0.55 : 0.6)
        let (loss, hidden) = left.splitVertically(fraction: 0.5)
        let (neighbours, sample) = right.splitVertically(fraction: 0.45)
        panes = [.loss: loss, .hidden: hidden, .neighbours: neighbours, .sample: sample]
    }
}
