// Draws the whole screen for a state: the panes (or one expanded), the status bar, help
// on top, or the too-small notice. Pure: tests render states and compare rows.
import RecurEngine
import TerminalKit

/// The frame for `state`.
func render(_ state: AppState) -> Canvas {
    var canvas = Canvas(size: state.size)
    guard let layout = WorkbenchLayout(size: state.size, mode: state.mode, expanded: state.expanded ? state.focus : nil) else {
        let minimum = WorkbenchLayout.minimum
        let lines = ["terminal too small", "\(state.size.columns)×\(state.size.rows), need \(minimum.columns)×\(minimum.rows)", "q quits"]
        for (index, line) in lines.enumerated() {
            let y = state.size.rows / 2 - 1 + index
            canvas.write(line, x: max((state.size.columns - line.count) / 2, 0), y: y, role: index == 0 ? .warning : .text)
        }
        return canvas
    }
    for (pane, area) in layout.panes {
        let focused = pane == state.focus
        if state.mode == .race {
            if pane == .loss {
                RaceLossPane(entries: state.race, view: state.loss, floor: state.bestBaseline, level: state.vocabulary?.level).render(in: area, on: &canvas, focused: focused)
            } else {
                RaceSamplesPane(entries: state.race, view: state.sample, vocabulary: state.vocabulary, entry: state.entry).render(in: area, on: &canvas, focused: focused)
            }
            continue
        }
        switch pane {
        case .loss:
            LossPane(losses: state.losses, validationLosses: state.validationLosses, view: state.loss,
                     evaluationInterval: state.mode == .languageModel ? state.evaluationInterval : 0,
                     tokenUnit: state.mode == .word2vec ? "words trained" : "tokens",
                     level: state.mode == .languageModel || state.mode == .watch ? state.vocabulary?.level : nil,
                     floor: state.mode == .languageModel ? state.bestBaseline : nil, hasValidation: state.mode != .word2vec,
                     validationSlice: state.mode == .languageModel ? state.evaluationSlice : nil,
                     validationProgress: state.mode == .languageModel ? state.validationProgress : nil)
                .render(in: area, on: &canvas, focused: focused)
        case .hidden:
            HiddenStatePane(probe: state.probe, model: state.model?.config, view: state.hidden, gradientFlow: state.gradientFlow,
                            level: state.vocabulary?.level ?? .char, offersGradientFlow: state.mode != .watch)
                .render(in: area, on: &canvas, focused: focused)
        case .neighbours:
            var query: String?
            if case .neighbourQuery(let text) = state.entry { query = text }
            // Watch mode has no corpus to count: its map shows the vocabulary's first tokens,
            // the most frequent only at word level (where the vocabulary is in that order).
            let characters = state.vocabulary?.level == .char
            let mapCaption = state.mode == .watch && characters ? "first characters of the vocabulary"
                : characters ? "most frequent characters" : "most frequent words"
            NeighboursPane(vocabulary: state.vocabulary, view: state.neighbours, entry: query, completion: state.completion, mapCaption: mapCaption)
                .render(in: area, on: &canvas, focused: focused)
        case .sample:
            SamplePane(view: state.sample, vocabulary: state.vocabulary, entry: state.entry).render(in: area, on: &canvas, focused: focused)
        case .map:
            MapPane(points: state.neighbours.map, method: state.neighbours.method).render(in: area, on: &canvas, focused: focused)
        }
    }
    StatusBar(state: state).render(in: layout.status, on: &canvas)
    if let overlay = state.overlay { Overlay.render(overlay, state: state, on: &canvas) }
    return canvas
}
