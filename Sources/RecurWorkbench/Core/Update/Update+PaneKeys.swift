// The reducer's pane keys: what each pane's own keys do once the key has reached it
// (Update+Keys.swift decides which pane that is).
import Foundation
import RecurEngine
import TerminalKit

func handleMapKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard key == .character("t") else { return [] }
    state.neighbours.method = state.neighbours.method.next
    state.neighbours.map = []
    return state.vectors == nil ? [] : [.computeMap]
}

func handleLossKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    switch key {
    case .character("l"): state.loss.logarithmic.toggle()
    case .character("x"):
        let axes = LossAxis.allCases
        state.loss.axis = axes[(axes.firstIndex(of: state.loss.axis)! + 1) % axes.count]
    case .character("z"): state.loss.recentOnly.toggle()
    case .character("["): state.loss.smoothing = max(((state.loss.smoothing - 0.05) * 100).rounded() / 100, 0)
    case .character("]"): state.loss.smoothing = min(((state.loss.smoothing + 0.05) * 100).rounded() / 100, 0.99)
    default: break
    }
    return []
}

func handleHiddenKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if let effects = handleUnitKey(&state, key) { return effects }
    let units = state.probe?.units ?? 0
    switch key {
    case .up: state.hidden.cursor = max(state.hidden.cursor - 1, 0)
    case .down: state.hidden.cursor = min(state.hidden.cursor + 1, max(units - 1, 0))
    case .pageUp: state.hidden.cursor = max(state.hidden.cursor - 10, 0)
    case .pageDown: state.hidden.cursor = min(state.hidden.cursor + 10, max(units - 1, 0))
    case .character("v"): state.hidden.sortByVariance.toggle()
    case .character("d"):
        state.hidden.finder = nil
        state.hidden.showGradientFlow.toggle()
        return [.session(.measureGradientFlow(state.hidden.showGradientFlow))]
    case .character("g"):
        guard let signals = state.probe?.signals, signals.count > 1 else {
            state.notice = state.probe == nil ? "g switches signals: waiting for the first weights"
                : "g switches between h, c and the gates: this model's cell has h only"
            break
        }
        let index = signals.firstIndex(of: state.hidden.signal) ?? 0
        state.hidden.signal = signals[(index + 1) % signals.count]
    case .character("L"):
        guard let layers = state.probe?.layers, layers > 1 else {
            state.notice = state.probe == nil ? "L switches layers: waiting for the first weights" : "L switches layers: this model has one"
            break
        }
        let current = state.hidden.layer ?? layers - 1
        state.hidden.layer = (current + 1) % layers
    default: break
    }
    return []
}

func handleNeighboursKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    switch key {
    case .up:
        state.neighbours.selection = max(state.neighbours.selection - 1, 0)
    case .down:
        state.neighbours.selection = min(state.neighbours.selection + 1, max(state.neighbours.results.count - 1, 0))
    case .enter:
        // Hop: the selected neighbour becomes the query.
        guard state.neighbours.results.indices.contains(state.neighbours.selection) else { return [] }
        return setQuery(&state, positive: [state.neighbours.results[state.neighbours.selection].id], negative: [])
    case .character("P"):
        // Pin (or unpin) the queried token: its list is compared with the one it had
        // when the epoch began.
        guard state.neighbours.negative.isEmpty, state.neighbours.positive.count == 1 else { return [] }
        let id = state.neighbours.positive[0]
        if state.neighbours.pinnedBaseline[id] != nil {
            state.neighbours.pinnedBaseline[id] = nil
            state.neighbours.pinnedCurrent[id] = nil
        } else {
            let list = state.neighbours.results.map(\.id)
            state.neighbours.pinnedBaseline[id] = list
            state.neighbours.pinnedCurrent[id] = list
            state.neighbours.baselineEpoch = currentEpoch(state)
        }
        return []
    case .character("m"):
        state.neighbours.showMap.toggle()
        return state.neighbours.showMap && state.vectors != nil ? [.computeMap] : []
    default: break
    }
    return []
}

func handleSampleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if state.sample.inspecting, let effects = handleInspectorKey(&state, key) { return effects }
    switch key {
    case .character("n"):
        state.sample.inspecting = !state.sample.steps.isEmpty
        state.sample.cursor = 0
        state.sample.alternative = 0
        return explainCursor(state)
    case .character("e"):
        state.notice = "e shows saliency in the inspector: press n first"
        return []
    case .character("r"):
        state.sample.seed &+= 1
    case .character("k"):
        state.entry = .topK(state.sample.topK == 0 ? "" : String(state.sample.topK))
        return []
    case .character("t"):
        state.entry = .topP(state.sample.topP >= 1 ? "" : String(state.sample.topP))
        return []
    case .up, .down, .enter:
        state.notice = "↑↓ and Enter pick and explore candidates in the inspector: press n first"
        return []
    case .character("K"):
        // Keep the exploration as the prime.
        guard let exploring = state.sample.exploring, let vocabulary = state.vocabulary else {
            state.notice = "K keeps an exploration as the prime: pick an alternative in the inspector (n) and press Enter first"
            return []
        }
        state.sample.prime = vocabulary.render(exploring)
        state.sample.exploring = nil
    case .character("i"):
        state.entry = .prime(state.sample.prime)
        return []
    case .character("="):
        state.entry = .temperature("")
        return []
    default:
        return []
    }
    return drawSample(&state)
}

/// The inspector: ↑↓ pick another candidate at the cursor, Enter explores from there with
/// it (the prime stays; K keeps the exploration as the prime, Esc drops it). nil: not an
/// inspector key.
private func handleInspectorKey(_ state: inout AppState, _ key: Key) -> [Effect]? {
    let sample = state.sample
    guard sample.steps.indices.contains(sample.cursor) else { return nil }
    let candidates = sample.steps[sample.cursor].distribution.candidates
    switch key {
    case .up:
        state.sample.alternative = max(sample.alternative - 1, 0)
        return explainCursor(state)
    case .down:
        state.sample.alternative = min(sample.alternative + 1, max(candidates.count - 1, 0))
        return explainCursor(state)
    case .character("e"):
        return toggleSaliency(&state)
    case .enter:
        // Explore: redraw from the chosen alternative without touching the prime; K keeps
        // the explored text as the prime, Esc goes back to it.
        guard candidates.indices.contains(sample.alternative) else { return [] }
        state.sample.exploring = sample.contextIDs + sample.steps.prefix(sample.cursor).map(\.token) + [candidates[sample.alternative].token]
        state.sample.inspecting = false
        state.sample.cursor = 0
        return drawSample(&state)
    default:
        return nil
    }
}
