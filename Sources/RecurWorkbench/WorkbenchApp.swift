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
    private var sampleSeed: UInt64 = 7
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
    }

    private func start(_ configuration: WorkbenchConfiguration) {
        let validation = Array(configuration.corpus.validationIDs.prefix(WorkbenchApp.probeLength))
        let probe = validation.isEmpty ? Array(configuration.corpus.ids.prefix(WorkbenchApp.probeLength)) : validation
        session = Session(trainer: configuration.trainer, vocabulary: configuration.corpus.vocabulary, probeIDs: probe,
                          writer: configuration.checkpointWriter) { [weak self] snapshot in
            MainActor.assumeIsolated { self?.dispatch(.snapshot(snapshot)) }
        }
        if !configuration.autosave { session.autosaveInterval = .infinity }
        autosave = configuration.autosave
        listenToInput()
        listenToSignals()
        session.start(paused: configuration.startPaused)
        scheduleRedraw()
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
        case .drawSample(let temperature):
            drawSample(temperature: temperature)
        case .findNeighbours(let query):
            findNeighbours(query: query)
        case .quit:
            quit()
        }
    }

    private func drawSample(temperature: Double) {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        sampleGeneration += 1
        let generation = sampleGeneration
        let version = state.weightsVersion
        let seed = sampleSeed
        let prime = state.probe.flatMap { probe in probe.tokens.first.flatMap { vocabulary.id(of: $0) } } ?? 0
        worker.async { [weak self] in
            let sampler = Sampler(model: model)
            var random = RandomGenerator(seed: seed)
            let settings = SamplingSettings(temperature: Float(temperature))
            let ids = sampler.generate(prime: [prime], length: WorkbenchApp.sampleLength, settings: settings, random: &random)
            let text = vocabulary.render([prime] + ids)
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    guard let self, generation == self.sampleGeneration else { return }
                    self.dispatch(.sampleReady(text: text, temperature: temperature, weightsVersion: version))
                }
            }
        }
    }

    private func findNeighbours(query: Int32) {
        guard let model = state.model else { return }
        let version = state.weightsVersion
        worker.async { [weak self] in
            let neighbours = EmbeddingIndex(model: model).nearest(to: query, count: 12)
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self?.dispatch(.neighboursReady(query: query, neighbours: neighbours, weightsVersion: version))
                }
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
