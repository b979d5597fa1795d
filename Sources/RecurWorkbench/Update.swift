// The workbench's reducer: every key press, resize and snapshot passes through here.
// Pure: it changes the state and lists effects; tests replay messages through it.
import RecurEngine
import TerminalKit

/// Applies `msg` to `state` and returns the effects to perform, in order.
public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .key(let key):
        return handleKey(&state, key)
    case .resize(let size):
        state.size = size
        return []
    case .snapshot(let snapshot):
        return apply(snapshot, to: &state)
    case .sampleReady(let text, let temperature, let version):
        state.sample = text
        state.sampleSource = (temperature, version)
        return []
    case .neighboursReady(let query, let neighbours, _):
        if query == state.neighbourQuery { state.neighbours = neighbours }
        return []
    case .quitRequested:
        state.quitting = true
        return [.quit]
    }
}

private func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if state.showingHelp {
        // Any key closes help; q still quits.
        state.showingHelp = false
        if key == .character("q") { state.quitting = true; return [.quit] }
        return []
    }
    switch key {
    case .character("q"), .character("Q"):
        state.quitting = true
        return [.quit]
    case .character("p"), .character(" "):
        switch state.trainingState {
        case .running: return [.session(.pause)]
        case .paused, .diverged: return [.session(.resume)]
        case .stopped: return []
        }
    case .character("s"):
        return state.trainingState == .running ? [] : [.session(.stepOnce)]
    case .character("w"):
        return state.checkpointPath == nil ? [] : [.session(.save)]
    case .character("?"), .character("h"):
        state.showingHelp = true
        return []
    case .left, .right:
        let factor = key == .right ? 1 : -1
        let next = ((state.temperature * 20).rounded() + Double(factor)) / 20
        let clamped = min(max(next, AppState.temperatureRange.lowerBound), AppState.temperatureRange.upperBound)
        guard clamped != state.temperature else { return [] }
        state.temperature = clamped
        return state.model == nil ? [] : [.drawSample(temperature: clamped)]
    case .up, .down:
        guard let vocabulary = state.vocabulary, vocabulary.count > 0 else { return [] }
        let count = Int32(vocabulary.count)
        state.neighbourQuery = (state.neighbourQuery + (key == .down ? 1 : count - 1)) % count
        state.neighbours = []
        return state.model == nil ? [] : [.findNeighbours(query: state.neighbourQuery)]
    case .tab:
        state.focus = PaneID(rawValue: (state.focus.rawValue + 1) % PaneID.allCases.count)!
        return []
    case .backTab:
        state.focus = PaneID(rawValue: (state.focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!
        return []
    default:
        return []
    }
}

private func apply(_ snapshot: TrainingSnapshot, to state: inout AppState) -> [Effect] {
    state.step = snapshot.step
    state.tokens = snapshot.tokens
    state.epoch = snapshot.epoch
    state.tokensPerSecond = snapshot.tokensPerSecond
    state.gradientNorm = snapshot.gradientNorm
    state.learningRate = snapshot.learningRate
    state.trainingState = snapshot.state
    state.notice = snapshot.notice
    state.lastSaved = snapshot.lastSaved
    state.losses += snapshot.newLosses
    state.validationLosses += snapshot.newValidationLosses
    if state.losses.count > AppState.lossHistoryLimit {
        // Keep every other old point: the whole run stays on the chart in bounded memory.
        let keepRecent = AppState.lossHistoryLimit / 2
        let old = state.losses.dropLast(keepRecent).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        state.losses = old + state.losses.suffix(keepRecent)
    }
    if state.vocabulary == nil {
        state.vocabulary = snapshot.vocabulary
        state.neighbourQuery = defaultQuery(in: snapshot.vocabulary)
    }
    if let probe = snapshot.probe { state.probe = probe }
    guard let model = snapshot.model else { return [] }
    state.model = model
    state.weightsVersion += 1
    return [.drawSample(temperature: state.temperature), .findNeighbours(query: state.neighbourQuery)]
}

/// A first query that means something: the letter "e" for characters, else the most
/// frequent real word (id 1 follows `<unk>`).
func defaultQuery(in vocabulary: Vocabulary) -> Int32 {
    if let e = vocabulary.id(of: "e") { return e }
    return vocabulary.count > 1 ? 1 : 0
}
