// The event loop wiring a Session to the terminal. Everything arrives on the main queue
// as a Msg — keys from a stdin read source, signals from signal sources, snapshots from
// the session, samples and neighbours from a worker queue — and goes through `update`.
// Frames are coalesced by a one-shot timer (at most 30 per second, none when idle).
import Dispatch
import Foundation
import RecurEngine
import TerminalKit

/// What the workbench needs to start: a ready trainer and how to look.
public struct WorkbenchConfiguration {
    public var trainer: Trainer
    public var corpus: Corpus
    public var title: String
    public var theme: Theme
    public var colour: Bool
    public var startPaused: Bool
    /// Where checkpoints go (autosave, `w`, quit); nil disables saving.
    public var checkpointPath: String?
    public var checkpointWriter: CheckpointWriter?
    /// Save every few minutes and on quit (otherwise only on `w`).
    public var autosave: Bool

    public init(trainer: Trainer, corpus: Corpus, title: String, theme: Theme, colour: Bool, startPaused: Bool = false,
                checkpointPath: String? = nil, checkpointWriter: CheckpointWriter? = nil, autosave: Bool = true) {
        self.autosave = autosave
        self.trainer = trainer
        self.corpus = corpus
        self.title = title
        self.theme = theme
        self.colour = colour
        self.startPaused = startPaused
        self.checkpointPath = checkpointPath
        self.checkpointWriter = checkpointWriter
    }
}

/// The running workbench.
@MainActor
public final class WorkbenchApp {
    /// Length of the text sampled for the sample pane.
    nonisolated static let sampleLength = 600
    nonisolated static let probeLength = 120

    private var state: AppState
    private let terminal: Terminal
    private var session: Session!
    private let exit: (Int32) -> Never
    private let worker = DispatchQueue(label: "recur.workbench.worker", qos: .utility)
    private var sources: [DispatchSourceProtocol] = []
    private var redrawScheduled = false
    private var lastFrame = DispatchTime.now()
    /// A newer sample request supersedes older ones still queued.
    private var sampleGeneration = 0
    private var exiting = false
    private var autosave = true

    /// Opens the terminal and starts training; never returns. `exit` ends the process
    /// after the terminal has been restored.
    public static func run(_ configuration: WorkbenchConfiguration, exit: @escaping (Int32) -> Never) throws -> Never {
        let terminal = try NcursesTerminal(theme: configuration.theme, colour: configuration.colour)
        let app = WorkbenchApp(configuration: configuration, terminal: terminal, exit: exit)
        app.start(configuration)
        dispatchMain()
    }

    private init(configuration: WorkbenchConfiguration, terminal: Terminal, exit: @escaping (Int32) -> Never) {
        self.terminal = terminal
        self.exit = exit
        state = AppState(size: terminal.size, title: configuration.title)
        state.checkpointPath = configuration.checkpointPath
        state.frequentTokens = WorkbenchApp.frequentTokens(configuration.corpus, count: 40)
    }

    private func start(_ configuration: WorkbenchConfiguration) {
        let validation = Array(configuration.corpus.validationIDs.prefix(WorkbenchApp.probeLength))
        let probe = validation.isEmpty ? Array(configuration.corpus.ids.prefix(WorkbenchApp.probeLength)) : validation
        session = Session(trainer: configuration.trainer, vocabulary: configuration.corpus.vocabulary, probeIDs: probe,
                          writer: configuration.checkpointWriter) { [weak self] snapshot in
            MainActor.assumeIsolated { self?.dispatch(.snapshot(snapshot)) }
        }
        // Validate often enough to draw a curve, but keep its cost near 5% of training: a
        // validation pass is a forward pass (≈ 1/3 of a step) per chunk of B·T tokens.
        let trainer = configuration.trainer
        let chunks = Double(configuration.corpus.validationIDs.count) / Double(trainer.config.batch * trainer.config.sequenceLength)
        session.evaluationInterval = max(50, Int((chunks / 3 / 0.05).rounded(.up)))
        if !configuration.autosave { session.autosaveInterval = .infinity }
        autosave = configuration.autosave
        listenToInput()
        listenToSignals()
        session.start(paused: configuration.startPaused)
        scheduleRedraw()
    }

    /// The `count` most frequent tokens of the corpus, most frequent first; whitespace
    /// and `<unk>` left out (they crowd the map without meaning much).
    nonisolated static func frequentTokens(_ corpus: Corpus, count: Int) -> [Int32] {
        var counts = [Int](repeating: 0, count: corpus.vocabulary.count)
        for id in corpus.ids { counts[Int(id)] += 1 }
        let skipped: Set<String> = [" ", "\n", "\t", WordTokenizer.unknown]
        return counts.indices.filter { counts[$0] > 0 && !skipped.contains(corpus.vocabulary.tokens[$0]) }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            .prefix(count).map(Int32.init)
    }

    // MARK: - Sources

    private func listenToInput() {
        let input = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
        input.setEventHandler { [weak self] in
            MainActor.assumeIsolated {
                guard let self else { return }
                for key in self.terminal.readKeys() { self.dispatch(.key(key)) }
            }
        }
        input.resume()
        sources.append(input)
    }

    private func listenToSignals() {
        for number in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP] {
            // Ignored for the process so that only the source sees them.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { [weak self] in
                MainActor.assumeIsolated { self?.handleSignal(number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    private func handleSignal(_ number: Int32) {
        switch number {
        case SIGWINCH:
            terminal.handleResize()
            dispatch(.resize(terminal.size))
        case SIGTSTP:
            terminal.suspend()
            raise(SIGSTOP)
            // Execution continues here after `fg`.
            terminal.resume()
            scheduleRedraw()
        default:
            dispatch(.quitRequested)
        }
    }

    // MARK: - Messages and effects

    private func dispatch(_ msg: Msg) {
        let effects = update(&state, msg)
        for effect in effects { perform(effect) }
        scheduleRedraw()
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .session(let command):
            session.send(command)
        case .drawSample(let request):
            drawSample(request)
        case .findNeighbours(let positive, let negative):
            findNeighbours(positive: positive, negative: negative)
        case .computeMap:
            computeMap()
        case .quit:
            quit()
        }
    }

    /// Samples on the worker queue from the latest weights; the result comes back as a
    /// message and is dropped if the settings changed meanwhile.
    private func drawSample(_ request: SampleRequest) {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        sampleGeneration += 1
        let generation = sampleGeneration
        let version = state.weightsVersion
        let fallbackPrime = state.probe?.tokens.first.flatMap { vocabulary.id(of: $0) } ?? 0
        worker.async { [weak self] in
            let result = WorkbenchApp.sample(model: model, vocabulary: vocabulary, request: request, fallbackPrime: fallbackPrime, version: version)
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    guard let self, generation == self.sampleGeneration else { return }
                    self.dispatch(.sampleReady(result))
                }
            }
        }
    }

    nonisolated static func sample(model: LanguageModel, vocabulary: Vocabulary, request: SampleRequest,
                                   fallbackPrime: Int32, version: Int) -> SampleResult {
        let sampler = Sampler(model: model)
        var random = RandomGenerator(seed: request.seed)
        let settings = SamplingSettings(temperature: Float(request.temperature), topK: request.topK, topP: request.topP)
        let tokens = vocabulary.level == .char ? request.prime.unicodeScalars.map { String($0) }
                                               : WordTokenizer.tokenize(request.prime, lowercase: false)
        let primeIDs = tokens.compactMap { vocabulary.id(of: $0) }
        let prime = primeIDs.isEmpty ? [fallbackPrime] : primeIDs
        // The distribution after the prime, reshaped by the temperature, for the bars.
        sampler.reset()
        var probabilities: UnsafeBufferPointer<Float> = UnsafeBufferPointer(start: nil, count: 0)
        for id in prime { probabilities = sampler.feed(id) }
        let inverse = 1 / max(request.temperature, 1e-6)
        var weights = probabilities.map { $0 > 0 ? pow(Double($0), inverse) : 0 }
        let total = max(weights.reduce(0, +), 1e-300)
        weights = weights.map { $0 / total }
        let entropy = weights.reduce(0) { $1 > 0 ? $0 - $1 * log($1) : $0 }
        let top = weights.enumerated().sorted { $0.element > $1.element }.prefix(8).map { (token: Int32($0.offset), probability: Float($0.element)) }
        let ids = sampler.generate(prime: prime, length: sampleLength, settings: settings, random: &random)
        return SampleResult(request: request, weightsVersion: version, text: vocabulary.render(prime + ids),
                            distribution: top, entropy: entropy)
    }

    private func findNeighbours(positive: [Int32], negative: [Int32]) {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        worker.async { [weak self] in
            let neighbours: [Neighbour]
            if let vectors = try? WordVectors(model: model, vocabulary: vocabulary),
               let ranking = try? vectors.mostSimilar(positive: positive.map { vocabulary.tokens[Int($0)] },
                                                      negative: negative.map { vocabulary.tokens[Int($0)] }, count: 12) {
                neighbours = ranking.compactMap { entry in vocabulary.id(of: entry.word).map { Neighbour(id: $0, similarity: entry.similarity) } }
            } else {
                neighbours = []
            }
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self?.dispatch(.neighboursReady(positive: positive, negative: negative, neighbours: neighbours))
                }
            }
        }
    }

    /// PCA of the most frequent tokens' embedding rows.
    private func computeMap() {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        let tokens = state.frequentTokens
        worker.async { [weak self] in
            let E = model.config.embed
            let table = model.tensor("encoder.weight")
            var rows: [Float] = []
            for id in tokens { rows += UnsafeBufferPointer(start: table + Int(id) * E, count: E) }
            let projected = PCA.project(rows, count: tokens.count, dimension: E)
            let points = tokens.enumerated().map { index, id in
                MapPoint(label: NeighboursPane.label(vocabulary.tokens[Int(id)]), x: projected[2 * index], y: projected[2 * index + 1])
            }
            DispatchQueue.main.async {
                MainActor.assumeIsolated { self?.dispatch(.mapReady(points)) }
            }
        }
    }

    /// Saves a last checkpoint (after the step in progress), then restores the terminal
    /// and exits; a failed save is reported on stderr with status 1.
    private func quit() {
        guard !exiting else { return }
        exiting = true
        session.saveBeforeExit(save: autosave) { result in
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self.terminal.restore()
                    switch result {
                    case .success(let saved):
                        if saved, let path = self.state.checkpointPath { FileHandle.standardError.write(Data("saved \(path)\n".utf8)) }
                        self.exit(0)
                    case .failure(let error):
                        FileHandle.standardError.write(Data("recur: checkpoint not saved: \(error)\n".utf8))
                        self.exit(1)
                    }
                }
            }
        }
    }

    // MARK: - Drawing

    /// Coalesces redraw requests into at most one frame per 33 ms.
    private func scheduleRedraw() {
        guard !redrawScheduled else { return }
        redrawScheduled = true
        let earliest = lastFrame + .milliseconds(33)
        DispatchQueue.main.asyncAfter(deadline: max(earliest, .now())) { [weak self] in
            MainActor.assumeIsolated {
                guard let self else { return }
                self.redrawScheduled = false
                self.lastFrame = .now()
                self.terminal.present(render(self.state))
            }
        }
    }
}
