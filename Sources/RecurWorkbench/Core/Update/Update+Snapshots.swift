// The reducer's snapshots: training progress, word2vec progress and a race's progress
// arrive here; new weights refresh the neighbours, the pinned lists, the map and the sample.
import Foundation
import RecurEngine
import TerminalKit

// MARK: - Snapshots

func apply(_ snapshot: TrainingSnapshot, to state: inout AppState) -> [Effect] {
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
    var effects = newVectors(&state, vectors)
    if state.neighbours.showMap { effects.append(.computeMap) }
    if sampleNow { effects.insert(contentsOf: drawSample(&state), at: 0) }
    return effects
}

/// New vectors (a language model's embedding, or word2vec's): the neighbours of the query
/// and the pinned lists follow at once.
private func newVectors(_ state: inout AppState, _ vectors: WordVectors?) -> [Effect] {
    state.vectors = vectors
    return [.findNeighbours(positive: state.neighbours.positive, negative: state.neighbours.negative)] + refreshPins(&state)
}

/// word2vec progress: the loss curve grows; new vectors refresh the neighbours and map.
func apply(_ progress: EmbeddingProgress, to state: inout AppState) -> [Effect] {
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
    var effects = newVectors(&state, vectors)
    // t-SNE and UMAP animate by themselves once started; PCA follows every new set of vectors.
    if state.neighbours.method == .pca || state.neighbours.map.isEmpty { effects.append(.computeMap) }
    return effects
}

/// A race's progress: every model's curve grows; new weights redraw the samples now
/// and then.
func apply(_ snapshot: RaceSnapshot, to state: inout AppState) -> [Effect] {
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
