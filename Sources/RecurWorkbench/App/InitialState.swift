// How each mode opens, as a value: the state the workbench starts from is a pure function
// of its configuration, so the replay tests start where the app starts. The app then only
// starts the work (a session, word2vec, a watcher) and asks for what the state lacks.
import RecurEngine
import TerminalKit

extension AppState {
    /// Words on the map of the word2vec and vectors modes (their vocabularies are most
    /// frequent first).
    static let vectorsMapSize = 80
    /// Tokens on a language model's map: the corpus's most frequent.
    static let languageModelMapSize = 40

    /// The state before any message for `configuration` in a window of `size`: the mode,
    /// the pane in focus, what is known before training starts (the vocabulary, the map's
    /// tokens, a race's entries, the vectors of a file), where saves go and the notice
    /// to open with.
    static func initial(for configuration: WorkbenchConfiguration, size: Size) -> AppState {
        var state = AppState(size: size, title: configuration.title)
        state.checkpointPath = configuration.checkpointPath
        state.notice = configuration.startNotice
        state.exitNotices = configuration.startNotice.map { [$0] } ?? []
        switch configuration.source {
        case .languageModel(_, let corpus):
            state.frequentTokens = corpus.mostFrequent(languageModelMapSize)
        case .word2vec(let trainer):
            state.mode = .word2vec
            state.focus = .neighbours
            state.loss.axis = .tokens
            state.trainingState = configuration.startPaused ? .paused : .running
            state.frequentTokens = firstTokens(min(trainer.corpus.words.count, vectorsMapSize))
        case .race(_, let names, let vocabulary):
            state.mode = .race
            state.vocabulary = vocabulary
            state.race = names.map { RaceEntry(name: $0) }
        case .vectors(let vectors):
            state.mode = .vectors
            state.focus = .neighbours
            state.vocabulary = Vocabulary(level: .word, tokens: vectors.words)
            state.vectors = vectors
            state.neighbours.positive = [0]
            state.frequentTokens = firstTokens(min(vectors.count, vectorsMapSize))
        case .watch(let folder):
            state.mode = .watch
            state.watch.folder = folder.path
        }
        return state
    }

    /// The ids 0..<count: the most frequent tokens of a vocabulary sorted by frequency.
    static func firstTokens(_ count: Int) -> [Int32] {
        (0..<Int32(count)).map { $0 }
    }
}
