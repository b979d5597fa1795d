// The workbench's reducer: every key press, click, resize and snapshot passes through
// here. Pure: it changes the state and lists effects; tests replay messages through it.
import Foundation
import RecurEngine
import TerminalKit

/// Applies `msg` to `state` and returns the effects to perform, in order.
public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
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

// MARK: - Keys

private func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
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

private func handleMapKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard key == .character("t") else { return [] }
    state.neighbours.method = state.neighbours.method.next
    state.neighbours.map = []
    return state.vectors == nil ? [] : [.computeMap]
}

private func handleLossKey(_ state: inout AppState, _ key: Key) -> [Effect] {
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

private func handleHiddenKey(_ state: inout AppState, _ key: Key) -> [Effect] {
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

private func handleNeighboursKey(_ state: inout AppState, _ key: Key) -> [Effect] {
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

private func handleSampleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
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

// MARK: - Text entry

private func handleEntry(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard let entry = state.entry else { return [] }
    var text = entry.text
    if key != .tab { state.completion = nil }
    switch key {
    case .escape:
        state.entry = nil
        return []
    case .backspace:
        if !text.isEmpty { text.removeLast() }
    case .character(let character):
        if text.count < 200 { text.append(character) }
    case .tab:
        guard case .neighbourQuery = entry, let vocabulary = state.vocabulary else { return [] }
        text = complete(text, in: vocabulary, completion: &state.completion)
        if state.completion == nil { state.notice = "no word in the vocabulary begins with that" }
    case .enter:
        state.entry = nil
        return commit(entry: entry, text: text, state: &state)
    default:
        return []
    }
    state.entry = entry.with(text)
    return []
}

/// Tab in a query: the first time, the vocabulary entries that begin with the last term
/// (up to 8, in vocabulary order: most frequent first at word level) and the first of
/// them; again, the next one, cycling. `completion` remembers the candidates.
func complete(_ text: String, in vocabulary: Vocabulary, completion: inout Completion?) -> String {
    if var current = completion, current.candidates.indices.contains(current.index),
       text == current.head + current.candidates[current.index] {
        current.index = (current.index + 1) % current.candidates.count
        completion = current
        return current.head + current.candidates[current.index]
    }
    let (head, last) = splitLastTerm(text)
    let candidates = last.isEmpty ? [] : Array(vocabulary.tokens.lazy.filter { $0.hasPrefix(last) && $0 != last }.prefix(8))
    guard !candidates.isEmpty else {
        completion = nil
        return text
    }
    completion = Completion(head: head, candidates: candidates, index: 0)
    return head + candidates[0]
}

private func splitLastTerm(_ text: String) -> (head: String, last: String) {
    guard let space = text.lastIndex(of: " ") else { return ("", text) }
    return (String(text[...space]), String(text[text.index(after: space)...]))
}

private func commit(entry: TextEntry, text: String, state: inout AppState) -> [Effect] {
    switch entry {
    case .temperature:
        // A typed value out of range is an error, never silently clamped.
        let range = AppState.temperatureRange
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            state.notice = String(format: "temperature must be a number from %.2f to %.2f (got %@)", range.lowerBound, range.upperBound, text)
            return []
        }
        return setTemperature(&state, value)
    case .topK:
        let size = state.vocabulary?.count ?? Int.max
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0, value <= size else {
            state.notice = "top-k must be a whole number from 0 (off) to \(size) (got \(text))"
            return []
        }
        state.sample.topK = value
        return drawSample(&state)
    case .topP:
        guard let value = Float(text.trimmingCharacters(in: .whitespaces)), value > 0, value <= 1 else {
            state.notice = "top-p must be a number in (0, 1], 1 is off (got \(text))"
            return []
        }
        state.sample.topP = value
        return drawSample(&state)
    case .prime:
        guard let vocabulary = state.vocabulary else { return [] }
        let unknown = unknownTokens(text, vocabulary: vocabulary)
        guard unknown.isEmpty else {
            state.notice = "the prime has tokens outside the vocabulary: \(unknown.prefix(5).map { $0.debugDescription }.joined(separator: ", "))"
            return []
        }
        state.sample.prime = text
        return drawSample(&state)
    case .neighbourQuery:
        guard let vocabulary = state.vocabulary else { return [] }
        switch parseQuery(text, vocabulary: vocabulary) {
        case .success(let (positive, negative)):
            return setQuery(&state, positive: positive, negative: negative)
        case .failure(let error):
            state.notice = error.description
            return []
        }
    }
}

func unknownTokens(_ text: String, vocabulary: Vocabulary) -> [String] {
    vocabulary.ids(of: text).unknown
}

/// "fox" → one positive term; "king - man + woman" → positive [king, woman], negative [man].
func parseQuery(_ text: String, vocabulary: Vocabulary) -> Result<([Int32], [Int32]), RecurError> {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    // A single token, looked up as typed (so a char model's " " or "-" works too).
    if let id = vocabulary.id(of: text) ?? vocabulary.id(of: trimmed) { return .success(([id], [])) }
    var positive: [Int32] = [], negative: [Int32] = []
    var sign = 1
    for term in trimmed.split(separator: " ").map(String.init) {
        if term == "+" { sign = 1; continue }
        if term == "-" { sign = -1; continue }
        guard let id = vocabulary.id(of: term) else {
            return .failure(.invalidArgument("'\(term)' is not in the vocabulary"))
        }
        if sign > 0 { positive.append(id) } else { negative.append(id) }
        sign = 1
    }
    guard !positive.isEmpty || !negative.isEmpty else { return .failure(.invalidArgument("type a token, or an analogy like a - b + c")) }
    return .success((positive, negative))
}

// MARK: - Mouse

private func handleMouse(_ state: inout AppState, _ event: MouseEvent) -> [Effect] {
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

// MARK: - Shared steps

private func setTemperature(_ state: inout AppState, _ value: Double) -> [Effect] {
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

private func setQuery(_ state: inout AppState, positive: [Int32], negative: [Int32]) -> [Effect] {
    state.neighbours.positive = positive
    state.neighbours.negative = negative
    state.neighbours.results = []
    state.neighbours.selection = 0
    return state.vectors == nil ? [] : [.findNeighbours(positive: positive, negative: negative)]
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

// MARK: - Snapshots

private func apply(_ snapshot: TrainingSnapshot, to state: inout AppState) -> [Effect] {
    state.now = snapshot.time
    state.step = snapshot.step
    state.tokens = snapshot.tokens
    state.epoch = snapshot.epoch
    state.elapsed = snapshot.elapsed
    state.tokensPerSecond = snapshot.tokensPerSecond
    state.gradientNorm = snapshot.gradientNorm
    state.learningRate = snapshot.learningRate
    state.trainingState = snapshot.state
    state.trainingNotice = snapshot.notice
    state.lastSaved = snapshot.lastSaved
    state.evaluationInterval = snapshot.evaluationInterval
    state.evaluationSlice = snapshot.evaluationSlice
    state.validationProgress = snapshot.validationProgress
    if let requested = state.requestedState, requested.isShown(by: snapshot) { state.requestedState = nil }
    if let history = snapshot.history {
        // A reopened run: its whole curve, and the sample it showed, until a new one comes.
        state.losses = history.train.map { LossPoint(step: $0.step, tokens: $0.tokens, loss: $0.loss, elapsed: $0.elapsed) }
        state.validationLosses = history.validation.map { LossPoint(step: $0.step, tokens: $0.tokens, loss: $0.loss, elapsed: $0.elapsed) }
        if let sample = history.sample, state.sample.text.isEmpty {
            state.sample.text = sample
            state.sample.step = history.sampleStep
        }
    }
    state.losses += snapshot.newLosses
    state.validationLosses += snapshot.newValidationLosses
    state.boundLossHistory()
    if state.vocabulary == nil {
        state.vocabulary = snapshot.vocabulary
        state.neighbours.positive = [defaultQuery(in: snapshot.vocabulary)]
    }
    if let flow = snapshot.gradientFlow { state.gradientFlow = flow }
    if let probe = snapshot.probe {
        state.probe = probe
        state.hidden.cursor = min(state.hidden.cursor, max(probe.units - 1, 0))
    }
    guard let model = snapshot.model else { return [] }
    // Samples follow the weights, but not more often than every few seconds, so drawing
    // them takes little from training.
    let sampleNow = state.model == nil || state.now.timeIntervalSince(state.sample.lastDrawn) >= AppState.sampleRefreshInterval
    return newWeights(&state, model: model, vectors: snapshot.vectors, step: snapshot.step, sampleNow: sampleNow)
}

/// New weights in the panes: the neighbours, the pinned lists and the map follow at once,
/// the sample (drawn first, as the user reads it) when `sampleNow`.
func newWeights(_ state: inout AppState, model: LanguageModel, vectors: WordVectors?, step: Int, sampleNow: Bool) -> [Effect] {
    state.model = model
    state.modelStep = step
    state.vectors = vectors
    state.weightsVersion += 1
    var effects: [Effect] = [.findNeighbours(positive: state.neighbours.positive, negative: state.neighbours.negative)]
    effects += refreshPins(&state)
    if state.neighbours.showMap { effects.append(.computeMap) }
    if sampleNow { effects.insert(contentsOf: drawSample(&state), at: 0) }
    return effects
}

/// word2vec progress: the loss curve grows; new vectors refresh the neighbours and map.
private func apply(_ progress: EmbeddingProgress, to state: inout AppState) -> [Effect] {
    state.now = progress.time
    state.losses += progress.newLosses
    state.epoch = progress.fraction
    state.tokensPerSecond = progress.wordsPerSecond
    state.elapsed = progress.elapsed
    state.trainingState = progress.finished ? .stopped : progress.paused ? .paused : .running
    state.step = progress.epoch
    guard let vectors = progress.vectors else { return [] }
    if state.vocabulary == nil {
        state.vocabulary = Vocabulary(level: .word, tokens: vectors.words)
        state.neighbours.positive = [0]
    }
    state.vectors = vectors
    state.weightsVersion += 1
    var effects: [Effect] = [.findNeighbours(positive: state.neighbours.positive, negative: state.neighbours.negative)]
    effects += refreshPins(&state)
    // t-SNE and UMAP animate by themselves once started; PCA follows every new set of vectors.
    if state.neighbours.method == .pca || state.neighbours.map.isEmpty { effects.append(.computeMap) }
    return effects
}

/// A race's progress: every model's curve grows; new weights redraw the samples now
/// and then.
private func apply(_ snapshot: RaceSnapshot, to state: inout AppState) -> [Effect] {
    state.now = snapshot.time
    state.trainingState = snapshot.state
    state.elapsed = snapshot.elapsed
    var newWeights = false
    for (index, entry) in snapshot.entries.enumerated() where state.race.indices.contains(index) {
        state.race[index].losses += entry.newLosses
        state.race[index].validationLosses += entry.newValidationLosses
        state.race[index].tokensPerSecond = entry.tokensPerSecond
        state.race[index].step = entry.step
        if let model = entry.model {
            state.race[index].model = model
            newWeights = true
        }
    }
    state.step = snapshot.entries.map(\.step).max() ?? 0
    state.tokensPerSecond = snapshot.entries.map(\.tokensPerSecond).reduce(0, +)
    guard newWeights, state.race.first?.sample.isEmpty == true || state.now.timeIntervalSince(state.sample.lastDrawn) >= AppState.sampleRefreshInterval else {
        return []
    }
    return drawSample(&state)
}

/// Whole passes over the data so far, in either training mode.
func currentEpoch(_ state: AppState) -> Int {
    state.mode == .word2vec ? max(state.step - 1, 0) : Int(state.epoch)
}

/// At an epoch boundary the pinned tokens' current lists become the new baselines, and
/// fresh lists are requested for all of them.
private func refreshPins(_ state: inout AppState) -> [Effect] {
    guard !state.neighbours.pinnedBaseline.isEmpty else { return [] }
    let epoch = currentEpoch(state)
    guard epoch > state.neighbours.baselineEpoch else {
        // Within an epoch, keep the pinned lists current.
        return state.neighbours.pinnedBaseline.keys.sorted().filter { [$0] != state.neighbours.positive }
            .map { .findNeighbours(positive: [$0], negative: []) }
    }
    state.neighbours.baselineEpoch = epoch
    for (id, list) in state.neighbours.pinnedCurrent { state.neighbours.pinnedBaseline[id] = list }
    return state.neighbours.pinnedBaseline.keys.sorted().filter { [$0] != state.neighbours.positive }
        .map { .findNeighbours(positive: [$0], negative: []) }
}

/// A first query that means something: the letter "e" for characters, else the most
/// frequent real word — the first entry (word vocabularies are most frequent first) with a
/// letter in it, so neither `<unk>`, the newline token nor punctuation.
func defaultQuery(in vocabulary: Vocabulary) -> Int32 {
    if vocabulary.level == .char, let e = vocabulary.id(of: "e") { return e }
    let word = vocabulary.tokens.indices.first { index in
        vocabulary.tokens[index] != WordTokenizer.unknown && vocabulary.tokens[index].unicodeScalars.contains { $0.properties.isAlphabetic }
    }
    return word.map { Int32($0) } ?? 0
}
