// The event loop wiring a Session to the terminal. Everything arrives on the main queue
// as a Msg — keys from a stdin read source, signals from signal sources, snapshots from
// the session, samples and neighbours from a worker queue — and goes through `update`.
// Frames are coalesced by a one-shot timer (at most 30 per second, none when idle).
import Dispatch
import Foundation
import RecurEngine
import TerminalKit

/// What the workbench shows.
public enum WorkbenchSource {
    /// A language model to train.
    case languageModel(trainer: Trainer, corpus: Corpus)
    /// word2vec to train live.
    case word2vec(Word2VecTrainer)
    /// Pretrained vectors to explore.
    case vectors(WordVectors)
    /// Language models racing on the same text, with a name each.
    case race(trainers: [Trainer], names: [String], vocabulary: Vocabulary)
}

/// What the workbench needs to start: what to show and how to look.
public struct WorkbenchConfiguration {
    public var source: WorkbenchSource
    public var title: String
    public var theme: Theme
    public var colour: Bool
    public var startPaused: Bool
    /// Where checkpoints go (autosave, `w`, quit); nil disables saving.
    public var checkpointPath: String?
    public var checkpointWriter: CheckpointWriter?
    /// Save every few minutes and on quit (otherwise only on `w`).
    public var autosave: Bool
    /// Shown in the status bar at start (a reopened run, a backup kept).
    public var startNotice: String?

    public init(source: WorkbenchSource, title: String, theme: Theme, colour: Bool, startPaused: Bool = false,
                checkpointPath: String? = nil, checkpointWriter: CheckpointWriter? = nil, autosave: Bool = true,
                startNotice: String? = nil) {
        self.startNotice = startNotice
        self.autosave = autosave
        self.source = source
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
    nonisolated static let probeLength = 240

    private var state: AppState
    private let terminal: Terminal
    /// The language model's training session (nil in the word2vec and vectors modes).
    private var session: Session?
    private var raceSession: RaceSession?
    private let exit: (Int32) -> Never
    private let worker = DispatchQueue(label: "recur.workbench.worker", qos: .utility)
    private var sources: [DispatchSourceProtocol] = []
    private var redrawScheduled = false
    private var lastFrame = DispatchTime.now()
    /// A newer sample request supersedes older ones still queued.
    private var sampleGeneration = 0
    private var exiting = false
    /// The map computation in progress, cancelled when a newer one starts.
    private var mapJob: CancellationFlag?
    private var autosave = true
    /// The live word2vec run's steering, and a signal when its training has returned.
    private var word2vecControl: Word2VecControl?
    private let word2vecFinished = DispatchSemaphore(value: 0)
    private var word2vecTrainer: Word2VecTrainer?

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
        state.notice = configuration.startNotice
    }

    private func start(_ configuration: WorkbenchConfiguration) {
        listenToInput()
        listenToSignals()
        switch configuration.source {
        case .languageModel(let trainer, let corpus):
            startLanguageModel(trainer: trainer, corpus: corpus, configuration: configuration)
        case .word2vec(let trainer):
            state.mode = .word2vec
            state.focus = .neighbours
            state.loss.axis = .tokens
            state.frequentTokens = (0..<Int32(min(trainer.corpus.words.count, WorkbenchApp.mapSize))).map { $0 }
            state.checkpointPath = configuration.checkpointPath
            startWord2Vec(trainer, paused: configuration.startPaused)
        case .race(let trainers, let names, let vocabulary):
            state.mode = .race
            state.vocabulary = vocabulary
            state.race = names.map { RaceEntry(name: $0) }
            let race = RaceSession(trainers: trainers) { [weak self] snapshot in
                MainActor.assumeIsolated { self?.dispatch(.raceSnapshot(snapshot)) }
            }
            raceSession = race
            race.start(paused: configuration.startPaused)
        case .vectors(let vectors):
            state.mode = .vectors
            state.focus = .neighbours
            state.vocabulary = Vocabulary(level: .word, tokens: vectors.words)
            state.vectors = vectors
            state.neighbours.positive = [0]
            state.frequentTokens = (0..<Int32(min(vectors.count, WorkbenchApp.mapSize))).map { $0 }
            findNeighbours(positive: [0], negative: [])
            computeMap()
        }
        scheduleRedraw()
    }

    /// Words on the map of the word2vec and vectors modes.
    nonisolated static let mapSize = 80

    private func startLanguageModel(trainer: Trainer, corpus: Corpus, configuration: WorkbenchConfiguration) {
        state.frequentTokens = WorkbenchApp.frequentTokens(corpus, count: 40)
        let validation = Array(corpus.validationIDs.prefix(WorkbenchApp.probeLength))
        let probe = validation.isEmpty ? Array(corpus.ids.prefix(WorkbenchApp.probeLength)) : validation
        let session = Session(trainer: trainer, vocabulary: corpus.vocabulary, probeIDs: probe,
                              writer: configuration.checkpointWriter) { [weak self] snapshot in
            MainActor.assumeIsolated { self?.dispatch(.snapshot(snapshot)) }
        }
        // Validate often enough to draw a curve, but keep its cost near 2% of training: a
        // validation pass is a forward pass (≈ 1/3 of a step) per chunk of B·T tokens.
        let chunks = Double(corpus.validationIDs.count) / Double(trainer.config.batch * trainer.config.sequenceLength)
        session.evaluationInterval = max(100, Int((chunks / 3 / 0.02).rounded(.up)))
        if !configuration.autosave { session.autosaveInterval = .infinity }
        autosave = configuration.autosave
        self.session = session
        session.start(paused: configuration.startPaused)
    }

    /// Runs word2vec on a background queue, in slices that `p` and `s` steer; progress
    /// (ten times a second) and a copy of the vectors (twice a second) come back as
    /// messages. The loss chart counts words trained.
    private func startWord2Vec(_ trainer: Word2VecTrainer, paused: Bool) {
        let control = Word2VecControl(paused: paused)
        word2vecControl = control
        word2vecTrainer = trainer
        state.trainingState = paused ? .paused : .running
        let finished = word2vecFinished
        DispatchQueue.global(qos: .userInitiated).async { [weak self] in
            var step = 0
            var lastVectors: UInt64 = 0
            var trainingSeconds = 0.0, lastTick = DispatchTime.now().uptimeNanoseconds
            let words = Double(trainer.corpus.rawWordCount * trainer.settings.epochs)
            let result = trainer.train(control: control, report: { progress in
                step += 1
                let now = DispatchTime.now().uptimeNanoseconds
                // The clock counts training only, as the language model's does.
                if !progress.paused { trainingSeconds += Double(now - lastTick) / 1e9 }
                lastTick = now
                var vectors: WordVectors?
                if now - lastVectors > 500_000_000 {
                    vectors = try? trainer.vectors
                    lastVectors = now
                }
                let losses = progress.loss.map { [LossPoint(step: step, tokens: Int(progress.fraction * words), loss: $0, elapsed: trainingSeconds)] } ?? []
                let report = EmbeddingProgress(newLosses: losses, fraction: progress.fraction, epoch: progress.epoch,
                                               wordsPerSecond: progress.wordsPerSecond, elapsed: trainingSeconds, vectors: vectors,
                                               finished: false, paused: progress.paused)
                DispatchQueue.main.async { MainActor.assumeIsolated { self?.dispatch(.embeddingProgress(report)) } }
            })
            finished.signal()
            let last = LossPoint(step: step + 1, tokens: Int(words), loss: result.finalLoss, elapsed: result.seconds)
            let final = EmbeddingProgress(newLosses: [last], fraction: 1, epoch: trainer.settings.epochs, wordsPerSecond: result.wordsPerSecond,
                                          elapsed: result.seconds, vectors: try? trainer.vectors, finished: true)
            DispatchQueue.main.async { MainActor.assumeIsolated { self?.dispatch(.embeddingProgress(final)) } }
        }
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
        // What the user typed shows at once; everything else waits for the next frame.
        if case .key = msg { redrawNow() } else { scheduleRedraw() }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .session(let command):
            session?.send(command)
            raceSession?.send(command)
        case .drawRaceSample(let index, let request):
            drawRaceSample(index: index, request: request)
        case .drawSample(let request):
            drawSample(request)
        case .findNeighbours(let positive, let negative):
            findNeighbours(positive: positive, negative: negative)
        case .computeMap:
            computeMap()
        case .writeVectors:
            writeVectors()
        case .word2vec(let command):
            switch command {
            case .pause: word2vecControl?.pause()
            case .resume: word2vecControl?.resume()
            case .step: word2vecControl?.step()
            }
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
        let version = state.weightsVersion, step = state.modelStep
        let fallbackPrime = state.probe?.tokens.first.flatMap { vocabulary.id(of: $0) } ?? 0
        worker.async { [weak self] in
            var result = WorkbenchApp.sample(model: model, vocabulary: vocabulary, request: request, fallbackPrime: fallbackPrime, version: version)
            result.step = step
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    guard let self, generation == self.sampleGeneration else { return }
                    self.dispatch(.sampleReady(result))
                }
            }
        }
    }

    private func drawRaceSample(index: Int, request: SampleRequest) {
        guard state.race.indices.contains(index), let model = state.race[index].model, let vocabulary = state.vocabulary else { return }
        let version = state.weightsVersion
        worker.async { [weak self] in
            let result = WorkbenchApp.sample(model: model, vocabulary: vocabulary, request: request, fallbackPrime: vocabulary.id(of: "\n") ?? 0,
                                             version: version, length: WorkbenchApp.sampleLength / 2)
            DispatchQueue.main.async {
                MainActor.assumeIsolated { self?.dispatch(.raceSampleReady(index: index, result: result)) }
            }
        }
    }

    nonisolated static func sample(model: LanguageModel, vocabulary: Vocabulary, request: SampleRequest,
                                   fallbackPrime: Int32, version: Int, length: Int = sampleLength) -> SampleResult {
        let sampler = Sampler(model: model)
        var random = RandomGenerator(seed: request.seed)
        let settings = SamplingSettings(temperature: Float(request.temperature), topK: request.topK, topP: request.topP)
        let tokens = vocabulary.level == .char ? request.prime.unicodeScalars.map { String($0) }
                                               : WordTokenizer.tokenize(request.prime, lowercase: false)
        let primeIDs = tokens.compactMap { vocabulary.id(of: $0) }
        let prime = primeIDs.isEmpty ? [fallbackPrime] : primeIDs
        // Draw token by token, keeping each position's distribution for the inspector.
        sampler.reset()
        var probabilities = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for id in prime { probabilities = sampler.feed(id) }
        var steps: [SampleStep] = []
        steps.reserveCapacity(length)
        for _ in 0..<length {
            let distribution = NextTokenDistribution(probabilities: probabilities, temperature: request.temperature, count: 6)
            let next = sampler.choose(from: probabilities, settings: settings, random: &random)
            steps.append(SampleStep(token: next, distribution: distribution))
            probabilities = sampler.feed(next)
        }
        return SampleResult(request: request, weightsVersion: version, prime: prime, steps: steps,
                            text: vocabulary.render(prime + steps.map(\.token)))
    }

    private func findNeighbours(positive: [Int32], negative: [Int32]) {
        guard let vectors = state.vectors else { return }
        worker.async { [weak self] in
            let words = vectors.words
            let ranking = (try? vectors.mostSimilar(positive: positive.map { words[Int($0)] },
                                                    negative: negative.map { words[Int($0)] }, count: 12)) ?? []
            let neighbours = ranking.compactMap { entry in vectors.id(of: entry.word).map { Neighbour(id: $0, similarity: entry.similarity) } }
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self?.dispatch(.neighboursReady(positive: positive, negative: negative, neighbours: neighbours))
                }
            }
        }
    }

    /// PCA — or t-SNE, animated every few iterations — of the most frequent tokens' vectors.
    private func computeMap() {
        guard let vectors = state.vectors else { return }
        mapJob?.cancel()
        let job = CancellationFlag()
        mapJob = job
        let tokens = state.frequentTokens.filter { Int($0) < vectors.count }
        let method = state.neighbours.method
        worker.async { [weak self] in
            let D = vectors.dimension
            var rows: [Float] = []
            for id in tokens { rows += vectors.vector(of: id) }
            let labels = tokens.map { NeighboursPane.label(vectors.words[Int($0)]) }
            let post = { [weak self] (coordinates: [Float]) in
                let points = labels.enumerated().map { MapPoint(label: $1, x: coordinates[2 * $0], y: coordinates[2 * $0 + 1]) }
                DispatchQueue.main.async {
                    MainActor.assumeIsolated {
                        guard !job.isCancelled else { return }
                        self?.dispatch(.mapReady(points))
                    }
                }
            }
            guard method == .tsne, tokens.count >= 4,
                  let tsne = try? TSNE(points: rows, count: tokens.count, dimension: D, perplexity: min(30, Double(tokens.count - 1) / 3)) else {
                post(PCA.project(rows, count: tokens.count, dimension: D))
                return
            }
            // Animate: post the map every 10 iterations until converged or superseded.
            for _ in 0..<100 where !job.isCancelled {
                post(tsne.run(iterations: 10))
            }
        }
    }

    /// word2vec: writes the vectors trained so far (word2vec text format) to the mode's
    /// output path, off the main queue; the result comes back as a notice.
    private func writeVectors() {
        guard let path = state.checkpointPath, let vectors = state.vectors else { return }
        worker.async { [weak self] in
            let notice: String
            do {
                try vectors.write(to: path, format: .text)
                notice = "wrote \(vectors.count) vectors to \(path)"
            } catch {
                notice = "vectors not written: \(error)"
            }
            DispatchQueue.main.async { MainActor.assumeIsolated { self?.dispatch(.notice(notice)) } }
        }
    }

    /// Saves a last checkpoint (after the step in progress), then restores the terminal
    /// and exits; a failed save is reported on stderr with status 1.
    private func quit() {
        guard !exiting else { return }
        exiting = true
        if let control = word2vecControl, let trainer = word2vecTrainer {
            quitWord2Vec(control: control, trainer: trainer)
            return
        }
        guard let session else {
            raceSession?.send(.stop)
            terminal.restore()
            exit(0)
        }
        session.saveBeforeExit(save: autosave) { result in
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self.terminal.restore()
                    switch result {
                    case .success(let saved):
                        if saved, let path = self.state.checkpointPath { Console.error("saved \(path)\n") }
                        self.exit(0)
                    case .failure(let error):
                        Console.error("recur: checkpoint not saved: \(error)\n")
                        self.exit(1)
                    }
                }
            }
        }
    }

    /// Stops word2vec (within a slice), writes the vectors learned so far to the mode's
    /// output path, then restores the terminal and exits; a failed write is reported on
    /// stderr with status 1.
    private func quitWord2Vec(control: Word2VecControl, trainer: Word2VecTrainer) {
        control.stop()
        let finished = word2vecFinished, path = state.checkpointPath
        worker.async { [weak self] in
            _ = finished.wait(timeout: .now() + 10)
            var problem: String?
            var written = 0
            if let path {
                do {
                    let vectors = try trainer.vectors
                    try vectors.write(to: path, format: .text)
                    written = vectors.count
                } catch {
                    problem = "\(error)"
                }
            }
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    guard let self else { return }
                    self.terminal.restore()
                    if let problem {
                        Console.error("recur: vectors not written: \(problem)\n")
                        self.exit(1)
                    }
                    if let path { Console.error("wrote \(written) vectors to \(path)\n") }
                    self.exit(0)
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
                guard let self, self.redrawScheduled else { return }
                self.redrawNow()
            }
        }
    }

    /// Draws a frame now; a frame already scheduled is no longer needed.
    private func redrawNow() {
        redrawScheduled = false
        lastFrame = .now()
        terminal.present(render(state))
    }
}

/// A flag one thread sets and another polls, to stop work that is no longer wanted.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }
}
