// The event loop wiring a Session to the terminal. Everything arrives on the main queue
// as a Msg — keys from a stdin read source, signals from signal sources, snapshots from
// the session, samples and neighbours from a worker queue — and goes through `update`.
// Frames are coalesced by a one-shot timer (at most 30 per second, none when idle).
import Dispatch
import Foundation
import RecurEngine
import TerminalKit

/// The running workbench.
@MainActor
public final class WorkbenchApp {
    /// Length of the text sampled for the sample pane.
    nonisolated static let sampleLength = 600
    nonisolated static let probeLength = 240

    var state: AppState
    let terminal: Terminal
    /// The language model's training session (nil in the word2vec and vectors modes).
    private var session: Session?
    private var raceSession: RaceSession?
    let exit: (Int32) -> Never
    /// Background work, a lane per kind (WorkbenchApp+Jobs.swift).
    let jobs = JobRunner()
    private var sources: [DispatchSourceProtocol] = []
    private var redrawScheduled = false
    private var lastFrame = DispatchTime.now()
    private var exiting = false
    private var autosave = true
    /// The live word2vec run's steering, and a signal when its training has returned.
    var word2vecControl: Word2VecControl?
    let word2vecFinished = DispatchSemaphore(value: 0)
    var word2vecTrainer: Word2VecTrainer?
    /// The text the hidden-state probe is the start of (the validation text, or the whole
    /// corpus when that is empty): what the unit finder and span matching read; and the
    /// text before it, which the annotation tracks continue from.
    var unitText: [Int32] = []
    var unitPreceding: Slice<TokenIDs>?
    /// Watch mode's poller of the run folder (WorkbenchApp+Watch.swift).
    var folderWatcher: FolderWatcher?

    /// Opens the workbench from a command's `run()`, which ArgumentParser calls on the
    /// main thread, where the workbench lives; `beforeExit` runs after the terminal is
    /// restored (to release what the command holds). Never returns.
    public nonisolated static func launch(_ configuration: sending WorkbenchConfiguration, beforeExit: sending @escaping () -> Void = {}) throws -> Never {
        try MainActor.assumeIsolated {
            try WorkbenchApp.run(configuration) { status in
                beforeExit()
                Foundation.exit(status)
            }
        }
    }

    /// Opens the terminal and starts training; never returns. `exit` ends the process
    /// after the terminal has been restored.
    static func run(_ configuration: WorkbenchConfiguration, exit: @escaping (Int32) -> Never) throws -> Never {
        let terminal = try NcursesTerminal(theme: configuration.theme, colour: configuration.colour)
        let app = WorkbenchApp(configuration: configuration, terminal: terminal, exit: exit)
        app.start(configuration)
        dispatchMain()
    }

    private init(configuration: WorkbenchConfiguration, terminal: Terminal, exit: @escaping (Int32) -> Never) {
        self.terminal = terminal
        self.exit = exit
        state = AppState.initial(for: configuration, size: terminal.size)
    }

    private func start(_ configuration: WorkbenchConfiguration) {
        listenToInput()
        listenToSignals()
        // The state is already the mode's opening one (AppState.initial); here the work starts.
        switch configuration.source {
        case .languageModel(let trainer, let corpus):
            startLanguageModel(trainer: trainer, corpus: corpus, configuration: configuration)
        case .word2vec(let trainer):
            startWord2Vec(trainer, paused: configuration.startPaused)
        case .race(let trainers, _, let vocabulary):
            let race = RaceSession(trainers: trainers) { [weak self] snapshot in
                MainActor.assumeIsolated { self?.dispatch(.raceSnapshot(snapshot)) }
            }
            raceSession = race
            race.start(paused: configuration.startPaused)
            if let first = trainers.first { computeBaselines(of: first, vocabularySize: vocabulary.count) }
        case .vectors:
            findNeighbours(positive: state.neighbours.positive, negative: [])
            computeMap()
        case .watch(let folder):
            startWatch(folder)
        }
        scheduleRedraw()
    }

    private func startLanguageModel(trainer: Trainer, corpus: Corpus, configuration: WorkbenchConfiguration) {
        unitText = corpus.validationIDs.isEmpty ? Array(corpus.ids) : Array(corpus.validationIDs)
        unitPreceding = corpus.validationIDs.isEmpty ? nil : corpus.trainingIDs
        let probe = Array(unitText.prefix(WorkbenchApp.probeLength))
        let session = Session(trainer: trainer, vocabulary: corpus.vocabulary, probeIDs: probe,
                              writer: configuration.checkpointWriter) { [weak self] snapshot in
            MainActor.assumeIsolated { self?.dispatch(.snapshot(snapshot)) }
        }
        // Validate often enough to draw a curve, but keep its cost near 2% of training: a
        // validation pass is a forward pass (≈ 1/3 of a step) per chunk of B·T tokens.
        let chunks = Double(trainer.evaluationIDs.count) / Double(trainer.config.batch * trainer.config.sequenceLength)
        session.evaluationInterval = max(100, Int((chunks / 3 / 0.02).rounded(.up)))
        if !configuration.autosave { session.autosaveInterval = .infinity }
        autosave = configuration.autosave
        self.session = session
        session.start(paused: configuration.startPaused)
        computeBaselines(of: trainer, vocabularySize: corpus.vocabulary.count)
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

    func dispatch(_ msg: Msg) {
        if WorkbenchTrace.isOn { trace(msg) }
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
        case .findCells:
            findCells()
        case .matchSpan(let request):
            matchSpan(request)
        case .explain(let request):
            explain(request)
        case .readCheckpoint(let file):
            readCheckpoint(file)
        case .request(let request):
            folderWatcher?.perform(request)
        case .quit:
            quit()
        }
    }

    /// Saves a last checkpoint (after the step in progress), or in watch mode removes the
    /// pause this watcher made, then restores the terminal and exits; a failure is
    /// reported on stderr with status 1.
    private func quit() {
        guard !exiting else { return }
        exiting = true
        if let control = word2vecControl, let trainer = word2vecTrainer {
            quitWord2Vec(control: control, trainer: trainer)
            return
        }
        if let watcher = folderWatcher {
            // A run left paused with nobody watching would wait for ever.
            let withdrawn = state.watch.pauseMadeHere ? watcher.withdrawPause() : nil
            terminal.restore()
            if let withdrawn { Console.error(withdrawn.line + "\n") }
            exit(withdrawn?.failed == true ? 1 : 0)
        }
        guard let session else {
            raceSession?.send(.stop)
            restoreTerminal()
            exit(0)
        }
        session.saveBeforeExit(save: autosave) { result in
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    self.restoreTerminal()
                    switch result {
                    case .success(let outcome):
                        if let note = outcome.note { Console.error(note + "\n") }
                        if outcome.saved, let path = self.state.checkpointPath { Console.error("saved \(path)\n") }
                        self.exit(0)
                    case .failure(let error):
                        Console.error("recur: \(error)\n")
                        self.exit(1)
                    }
                }
            }
        }
    }

    /// Gives the terminal back, then repeats on stderr what must not vanish with the
    /// screen: how the run began (a run moved aside) and what the session last reported.
    func restoreTerminal() {
        terminal.restore()
        var notices = state.exitNotices
        if let notice = state.trainingNotice, !notices.contains(notice) { notices.append(notice) }
        for notice in notices { Console.error("recur: \(notice)\n") }
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
        WorkbenchTrace.record("frame")
    }
}

extension WorkbenchApp {
    /// The trace's view of a message: what a benchmark needs to pair causes with frames.
    private func trace(_ msg: Msg) {
        switch msg {
        case .key(let key):
            var fields: [String: Any] = ["key": "\(key)", "temperature": state.sample.temperature]
            if key == .enter, case .neighbourQuery(let text) = state.entry { fields["query"] = text }
            WorkbenchTrace.record("key", fields)
        case .sampleReady(let result):
            WorkbenchTrace.record("sample", ["temperature": result.request.temperature, "complete": result.complete,
                                             "tokens": result.steps.count, "current": result.request == state.sample.request])
        case .neighboursReady(let positive, _, _):
            let words = state.vocabulary.map { vocabulary in positive.map { vocabulary.tokens[Int($0)] } } ?? []
            WorkbenchTrace.record("neighbours", ["query": words.joined(separator: " ")])
        case .snapshot(let snapshot):
            if snapshot.model != nil { WorkbenchTrace.record("weights", ["step": snapshot.step]) }
        default:
            break
        }
    }
}
