// The reducer's keys and mouse: which keys a mode lets through, which pane a key acts on
// (Update+PaneKeys.swift has each pane's own), `w`; a click focuses a pane or sets the
// temperature on the slider.
import Foundation
import RecurEngine
import TerminalKit

// MARK: - Keys

func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    state.notice = nil
    if let overlay = state.overlay {
        // ↑↓ scroll an overlay taller than the screen; any other key closes it; q still quits.
        switch key {
        case .up, .down, .pageUp, .pageDown:
            let step = key == .up || key == .down ? 1 : 10
            state.overlayScroll = max(state.overlayScroll + (key == .up || key == .pageUp ? -step : step), 0)
            state.overlayScroll = min(state.overlayScroll, Overlay.maximumScroll(overlay, state: state))
            return []
        default:
            state.overlay = nil
            state.overlayScroll = 0
            if key == .character("q") { state.quitting = true; return [.quit] }
            return []
        }
    }
    // Only the keys the mode's help lists act; any other says so instead of doing nothing.
    guard let binding = KeyMap.binding(for: key, in: state.mode) else {
        state.notice = KeyMap.unboundNotice(key, in: state.mode)
        return []
    }
    if let refusal = binding.refusal {
        state.notice = refusal
        return []
    }
    if let pane = binding.pane, pane != state.focus {
        // ↑↓ and Enter belong to the focused pane; where that pane lacks them, say whose they are.
        let owners = KeyMap.sections(for: state.mode).flatMap(\.bindings).filter { $0.keys.contains(key) }.compactMap(\.pane)
        guard owners.contains(state.focus) else {
            state.notice = "\(KeyMap.name(of: key)) acts in the \(owners.map(\.name).joined(separator: " or ")) pane: Tab to it first"
            return []
        }
    }
    switch key {
    case .character("q"), .character("Q"):
        state.quitting = true
        return [.quit]
    case .character("p"), .character(" "):
        if state.mode == .watch { return togglePause(&state) }
        if state.mode == .word2vec {
            switch state.trainingState {
            case .running: return [.word2vec(.pause)]
            case .paused: return [.word2vec(.resume)]
            case .stopped, .diverged:
                state.notice = "word2vec has finished; w writes the vectors, q quits (writing them)"
                return []
            }
        }
        // Vectors mode has no p (KeyMap refuses it); a language model or a race is left.
        switch state.trainingState {
        case .running:
            if state.mode == .languageModel { state.requestedState = .pausing }
            return [.session(.pause)]
        case .paused, .diverged:
            if state.mode == .languageModel { state.requestedState = .resuming }
            return [.session(.resume)]
        case .stopped:
            state.notice = "training has finished"
            return []
        }
    case .character("s"):
        if state.mode == .word2vec, state.trainingState == .paused { return [.word2vec(.step)] }
        guard state.trainingState != .running else {
            state.notice = "s trains one step while paused: press p first"
            return []
        }
        guard state.mode != .word2vec, state.trainingState != .stopped else {
            state.notice = "training has finished"
            return []
        }
        if state.mode == .languageModel { state.requestedState = .stepping(from: state.step) }
        return [.session(.stepOnce)]
    case .character("w"):
        return save(&state)
    case .character("?"), .character("h"):
        state.overlay = .help
        return []
    case .character("!"):
        guard !state.noticeHistory.isEmpty else {
            state.notice = "no notices yet"
            return []
        }
        state.overlay = .notices
        return []
    case .character("f"):
        state.expanded.toggle()
        return []
    case .character("+"), .character("-"):
        // Halve or double the learning rate, live (every model's, in a race, whose bar has
        // no rate to show: a notice says it).
        let factor: Float = key == .character("+") ? 2 : 0.5
        if state.mode == .race { state.notice = "every model's learning rate \(factor > 1 ? "doubled" : "halved")" }
        return [.session(.scaleLearningRate(factor))]
    case .escape:
        if state.focus == .hidden, closeUnitView(&state) { return [] }
        if state.sample.inspecting {
            state.sample.inspecting = false
        } else if state.sample.exploring != nil {
            // Back from an exploration to the prime.
            state.sample.exploring = nil
            return drawSample(&state)
        } else {
            state.expanded = false
        }
        return []
    case .left, .right:
        if state.sample.inspecting && state.focus == .sample {
            // The inspector's cursor walks the drawn tokens.
            state.sample.cursor = min(max(state.sample.cursor + (key == .right ? 1 : -1), 0), max(state.sample.steps.count - 1, 0))
            state.sample.alternative = 0
            return explainCursor(state)
        }
        if state.focus == .hidden, state.hidden.selection != nil {
            moveSelection(&state, by: key == .right ? 1 : -1)
            return []
        }
        let temperature = ((state.sample.temperature * 20).rounded() + (key == .right ? 1 : -1)) / 20
        guard AppState.temperatureRange.contains(temperature) else {
            state.notice = String(format: "the temperature is already at its %@, %.2f", key == .right ? "highest" : "lowest", state.sample.temperature)
            return []
        }
        return setTemperature(&state, temperature)
    case .tab, .backTab:
        guard let order = WorkbenchLayout(size: state.size, mode: state.mode)?.order, !order.isEmpty else { return [] }
        let index = order.firstIndex(of: state.focus) ?? 0
        state.focus = order[(index + (key == .tab ? 1 : order.count - 1)) % order.count]
        return []
    case .character("/"):
        state.focus = .neighbours
        state.entry = .neighbourQuery("")
        return []
    default:
        break
    }
    // A pane's own key acts on that pane wherever the focus is (and focuses it); where the
    // mode has no such pane, a notice says so. Keys several panes share (↑↓, Enter) act on
    // the focused pane.
    if let owner = pane(owning: key, in: state), owner != state.focus {
        let layout = WorkbenchLayout(size: Size(columns: max(state.size.columns, WorkbenchLayout.minimum.columns),
                                                rows: max(state.size.rows, WorkbenchLayout.minimum.rows)), mode: state.mode)
        guard layout?.panes[owner] != nil else {
            let name = if case .character(let character) = key { String(character) } else { "that key" }
            state.notice = "\(name) works in the \(owner.name) pane, which \(state.mode.name) does not show"
            return []
        }
        state.focus = owner
    }
    switch state.focus {
    case .loss: return handleLossKey(&state, key)
    case .hidden: return handleHiddenKey(&state, key)
    case .neighbours: return handleNeighboursKey(&state, key)
    case .sample: return handleSampleKey(&state, key)
    case .map: return handleMapKey(&state, key)
    }
}

/// The pane a key belongs to, for keys only one pane uses; nil for global or shared keys.
private func pane(owning key: Key, in state: AppState) -> PaneID? {
    guard case .character(let character) = key else { return nil }
    switch character {
    case "l", "x", "z", "[", "]": return .loss
    case "v", "d", "g", "L", "c", "b": return .hidden
    case "P", "m": return .neighbours
    case "n", "r", "k", "i", "=", "K", "e": return .sample
    // t is top-p in the sample pane and the projection in the map pane.
    case "t": return state.focus == .map || state.mode == .word2vec || state.mode == .vectors ? .map : .sample
    default: return nil
    }
}

/// `w`: saves what this mode can save and says where, or says why nothing is saved.
private func save(_ state: inout AppState) -> [Effect] {
    switch state.mode {
    case .languageModel:
        guard let path = state.checkpointPath else {
            state.notice = "nowhere to save: start with --checkpoint PATH"
            return []
        }
        state.notice = "saving to \(path)"
        return [.session(.save)]
    case .word2vec:
        guard let path = state.checkpointPath else {
            state.notice = "nowhere to write the vectors: start with --out PATH"
            return []
        }
        state.notice = "writing the vectors to \(path)"
        return [.writeVectors]
    case .vectors:
        state.notice = "nothing to save: these vectors came from a file"
        return []
    case .race:
        state.notice = "a race is not saved; train the cell you like with recur train --checkpoint"
        return []
    case .watch:
        return requestSave(&state)
    }
}

// MARK: - Mouse

func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
    guard let layout = WorkbenchLayout(size: state.size, mode: state.mode, expanded: state.expanded ? state.focus : nil) else { return [] }
    if event.kind == .press, let pane = layout.panes.first(where: { $0.value.contains(x: event.x, y: event.y) })?.key {
        state.focus = pane
    }
    // Pressing or dragging on the slider's track sets the temperature.
    guard event.kind != .release, let area = layout.panes[.sample], let track = SamplePane.track(in: area),
          event.y == track.y, event.x >= track.x, event.x < track.maxX else { return [] }
    let fraction = Double(event.x - track.x) / Double(max(track.width - 1, 1))
    let range = AppState.temperatureRange
    return setTemperature(&state, ((range.lowerBound + fraction * (range.upperBound - range.lowerBound)) * 100).rounded() / 100)
}
