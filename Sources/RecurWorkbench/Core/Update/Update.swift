// The workbench's reducer: every key press, click, resize and snapshot passes through
// here. Pure: it changes the state and lists effects; tests replay messages through it.
import Foundation
import RecurEngine
import TerminalKit

/// Applies `msg` to `state` and returns the effects to perform, in order.
func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    let effects = reduce(&state, msg)
    state.recordNotices()
    return effects
}

private func reduce(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .key(.mouse(let event)):
        return handleMouse(&state, event)
    case .key(let key):
        if state.entry != nil { return handleEntry(&state, key) }
        return handleKey(&state, key)
    case .resize(let size):
        state.size = size
        return []
    case .snapshot(let snapshot):
        return apply(snapshot, to: &state)
    case .notice(let text):
        state.notice = text
        return []
    case .baselinesReady(let baselines):
        state.baselines = baselines
        return []
    case .sampleReady(let result):
        // A result for settings that have changed since is dropped; a newer one is coming.
        guard result.request == state.sample.request else { return [] }
        state.sample.text = result.text
        state.sample.primeIDs = result.prime
        state.sample.contextIDs = result.context
        state.sample.steps = result.steps
        state.sample.cursor = min(state.sample.cursor, max(result.steps.count - 1, 0))
        state.sample.alternative = 0
        state.sample.source = result.request
        state.sample.step = result.step
        // The checkpoint keeps the sample shown, so a reopened run shows it again.
        let note: [Effect] = state.mode == .languageModel && result.complete ? [.session(.noteSample(text: result.text, step: result.step))] : []
        return note + (result.complete ? explainCursor(state) : [])
    case .neighboursReady(let positive, let negative, let neighbours):
        if negative.isEmpty, positive.count == 1, state.neighbours.pinnedBaseline[positive[0]] != nil {
            state.neighbours.pinnedCurrent[positive[0]] = neighbours.map(\.id)
        }
        guard positive == state.neighbours.positive, negative == state.neighbours.negative else { return [] }
        state.neighbours.results = neighbours
        state.neighbours.selection = min(state.neighbours.selection, max(neighbours.count - 1, 0))
        return []
    case .mapReady(let points):
        state.neighbours.map = points
        return []
    case .embeddingProgress(let progress):
        return apply(progress, to: &state)
    case .raceSnapshot(let snapshot):
        return apply(snapshot, to: &state)
    case .raceSampleReady(let index, let result):
        guard state.race.indices.contains(index), result.request == state.sample.request else { return [] }
        state.race[index].sample = result.text
        return []
    case .quitRequested:
        state.quitting = true
        return [.quit]
    case .cellsProgress, .cellsReady, .matchesReady, .saliencyReady:
        return applyUnitResult(&state, msg)
    case .folderScanned(let result, let requestsDone, let time):
        return apply(scan: result, requestsDone: requestsDone, time: time, to: &state)
    case .logRead(let result, let time):
        return apply(log: result, time: time, to: &state)
    case .checkpointRead(let checkpoint):
        return apply(checkpoint, to: &state)
    case .checkpointFailed(let file, let reason):
        return checkpointFailed(file, reason: reason, state: &state)
    case .requestFailed(let request, let reason):
        return requestFailed(request, reason: reason, state: &state)
    }
}

// MARK: - Shared steps

func setTemperature(_ state: inout AppState, _ value: Double) -> [Effect] {
    let clamped = min(max(value, AppState.temperatureRange.lowerBound), AppState.temperatureRange.upperBound)
    guard clamped != state.sample.temperature else { return [] }
    state.sample.temperature = clamped
    return drawSample(&state)
}

func drawSample(_ state: inout AppState) -> [Effect] {
    if state.mode == .race {
        state.sample.lastDrawn = state.now
        return state.race.indices.filter { state.race[$0].model != nil }.map { .drawRaceSample(index: $0, request: state.sample.request) }
    }
    guard state.model != nil else { return [] }
    state.sample.lastDrawn = state.now
    return [.drawSample(state.sample.request)]
}

func setQuery(_ state: inout AppState, positive: [Int32], negative: [Int32]) -> [Effect] {
    state.neighbours.positive = positive
    state.neighbours.negative = negative
    state.neighbours.results = []
    state.neighbours.selection = 0
    return state.vectors == nil ? [] : [.findNeighbours(positive: positive, negative: negative)]
}

