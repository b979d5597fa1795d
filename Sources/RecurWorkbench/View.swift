// Draws the whole screen for a state: the panes, the status bar, help on top, or the
// too-small notice. Pure: tests render states and compare rows.
import RecurEngine
import TerminalKit

/// The frame for `state`.
public func render(_ state: AppState) -> Canvas {
    var canvas = Canvas(size: state.size)
    guard let layout = WorkbenchLayout(size: state.size) else {
        let minimum = WorkbenchLayout.minimum
        let lines = ["terminal too small", "\(state.size.columns)×\(state.size.rows), need \(minimum.columns)×\(minimum.rows)", "q quits"]
        for (index, line) in lines.enumerated() {
            let y = state.size.rows / 2 - 1 + index
            canvas.write(line, x: max((state.size.columns - line.count) / 2, 0), y: y, role: index == 0 ? .warning : .text)
        }
        return canvas
    }
    let cell = state.model.map { describe($0.config) } ?? ""
    for (pane, area) in layout.panes {
        let focused = pane == state.focus
        switch pane {
        case .loss:
            LossPane(losses: state.losses, validationLosses: state.validationLosses).render(in: area, on: &canvas, focused: focused)
        case .hidden:
            HiddenStatePane(probe: state.probe, cell: cell).render(in: area, on: &canvas, focused: focused)
        case .neighbours:
            NeighboursPane(vocabulary: state.vocabulary, query: state.neighbourQuery, neighbours: state.neighbours)
                .render(in: area, on: &canvas, focused: focused)
        case .sample:
            SamplePane(temperature: state.temperature, sample: state.sample, sampleTemperature: state.sampleSource?.temperature)
                .render(in: area, on: &canvas, focused: focused)
        }
    }
    StatusBar(state: state).render(in: layout.status, on: &canvas)
    if state.showingHelp { HelpOverlay().render(in: Rect(size: state.size), on: &canvas) }
    return canvas
}

/// "LSTM 128×2", "RNN tanh 64×1": a model's cell and size in a few characters.
func describe(_ config: ModelConfig) -> String {
    let name = config.cell == .rnn ? "RNN \(config.activation.rawValue)" : config.cell.rawValue.uppercased()
    return "\(name) \(config.hidden)×\(config.layers)"
}
