// The reducer's part for what units and tokens do: the unit finder (c), span selection
// and matching (b, ←→, Enter) in the hidden-state pane, and saliency in the sampling
// inspector (e). Results arrive as messages from the job lanes.
import RecurEngine
import TerminalKit

func applyUnitResult(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .cellsProgress(let fraction):
        if state.hidden.finder?.report == nil { state.hidden.finder?.progress = fraction }
    case .cellsReady(let report, let step):
        guard state.hidden.finder != nil else { return [] }
        state.hidden.finder?.report = report
        state.hidden.finder?.progress = 1
        state.hidden.finder?.step = step
        state.hidden.finder?.selection = 0
    case .matchesReady(let matches):
        guard matches.request == state.hidden.matching else { return [] }
        state.hidden.matches = matches
        state.hidden.matching = nil
    case .saliencyReady(let request, let saliency):
        guard state.sample.explaining, request == state.sample.saliencyRequest else { return [] }
        state.sample.saliency = SaliencyView(request: request, scores: saliency.scores, probability: saliency.probability)
    default:
        break
    }
    return []
}

/// Keys of the hidden-state pane's unit views; nil when `key` is not one of them.
func handleUnitKey(_ state: inout AppState, _ key: Key) -> [Effect]? {
    if state.hidden.finder != nil, let effects = handleFinderKey(&state, key) { return effects }
    switch key {
    case .character("c"):
        state.hidden.finder = UnitFinderView()
        state.hidden.showGradientFlow = false
        return [.findCells]
    case .character("b"):
        // Begin a span at the text cursor (at the start of the probe the first time).
        guard let probe = state.probe, probe.steps > 0 else {
            state.notice = "b selects a span of the probe text: waiting for the first weights"
            return []
        }
        let cursor = min(state.hidden.selection?.cursor ?? 0, probe.steps - 1)
        state.hidden.selection = SpanSelection(anchor: cursor, cursor: cursor)
        state.hidden.matches = nil
        return []
    case .enter:
        guard let selection = state.hidden.selection, let probe = state.probe else {
            state.notice = "Enter finds a span elsewhere in the text: select one with b first"
            return []
        }
        let layer = min(state.hidden.layer ?? probe.layers - 1, probe.layers - 1)
        let request = SpanMatchRequest(range: selection.range, settings: SpanMatchSettings(layer: layer, signal: state.hidden.signal))
        state.hidden.matching = request
        state.hidden.matches = nil
        return [.matchSpan(request)]
    default:
        return nil
    }
}

/// ↑↓ pick an entry of the finder, Enter shows it (layer, signal, unit and the track under
/// the heatmap), c closes the list.
private func handleFinderKey(_ state: inout AppState, _ key: Key) -> [Effect]? {
    guard let finder = state.hidden.finder else { return nil }
    let entries = finder.entries
    switch key {
    case .up: state.hidden.finder?.selection = max(finder.selection - 1, 0)
    case .down: state.hidden.finder?.selection = min(finder.selection + 1, max(entries.count - 1, 0))
    case .pageUp: state.hidden.finder?.selection = max(finder.selection - 10, 0)
    case .pageDown: state.hidden.finder?.selection = min(finder.selection + 10, max(entries.count - 1, 0))
    case .character("c"): state.hidden.finder = nil
    case .enter:
        guard entries.indices.contains(finder.selection) else { return [] }
        let entry = entries[finder.selection]
        state.hidden.layer = entry.layer - 1
        state.hidden.signal = entry.signal
        state.hidden.sortByVariance = false
        state.hidden.cursor = entry.unit
        state.hidden.track = (entry.track, entry.r, finder.report?.start ?? AnnotationTrack.Start())
        state.hidden.finder = nil
    default: return nil
    }
    return []
}

/// Esc in the hidden-state pane closes the finder, then the matches and the selection,
/// then the track; false when there was nothing to close.
func closeUnitView(_ state: inout AppState) -> Bool {
    if state.hidden.finder != nil {
        state.hidden.finder = nil
    } else if state.hidden.selection != nil || state.hidden.matches != nil || state.hidden.matching != nil {
        state.hidden.selection = nil
        state.hidden.matches = nil
        state.hidden.matching = nil
    } else if state.hidden.track != nil {
        state.hidden.track = nil
    } else {
        return false
    }
    return true
}

/// ←→ move the end of the span being selected.
func moveSelection(_ state: inout AppState, by offset: Int) {
    guard var selection = state.hidden.selection, let probe = state.probe else { return }
    selection.cursor = min(max(selection.cursor + offset, 0), max(probe.steps - 1, 0))
    state.hidden.selection = selection
    state.hidden.matches = nil
}

// MARK: - Saliency

/// e in the inspector: saliency on (computed for the cursor) or off.
func toggleSaliency(_ state: inout AppState) -> [Effect] {
    state.sample.explaining.toggle()
    state.sample.saliency = nil
    return state.sample.explaining ? explainCursor(state) : []
}

/// A new saliency for the inspector's cursor, when saliency is on.
func explainCursor(_ state: AppState) -> [Effect] {
    guard state.sample.explaining, let request = state.sample.saliencyRequest else { return [] }
    return [.explain(request)]
}
