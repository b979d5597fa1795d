// Everything the workbench shows, as one value. Only `update` changes it; the panes read it.
import Foundation
import RecurEngine
import TerminalKit

/// The workbench's whole state.
struct AppState {
    var size: Size
    var title: String
    var mode: WorkbenchMode = .languageModel
    // Training progress
    var step = 0
    var tokens = 0
    var epoch = 0.0
    var elapsed = 0.0
    var tokensPerSecond = 0.0
    var gradientNorm = 0.0
    var learningRate: Float = 0
    var trainingState: TrainingState = .paused
    /// What the session reports (a divergence, a failed save), as long as it reports it.
    var trainingNotice: String?
    /// A message about the last key (a bad query, a key that cannot act); the next key
    /// clears it.
    var notice: String?
    /// Where checkpoints are written, and when the last one was.
    var checkpointPath: String?
    var lastSaved: Date?
    var losses: [LossPoint] = []
    var validationLosses: [LossPoint] = []
    // Model views
    var vocabulary: Vocabulary?
    var model: LanguageModel?
    /// The time of the latest timed message (a snapshot): `update` never reads the clock.
    var now = Date.distantPast
    /// The training step of `model`.
    var modelStep = 0
    /// Validation runs every this many steps (0: unknown).
    var evaluationInterval = 0
    /// Which validation tokens the validation loss reads, when not all.
    var evaluationSlice: String?
    /// How much of a validation under way has been read (0–1), nil when none is.
    var validationProgress: Double?
    /// A command sent to the session that its snapshots do not show yet (it is handled
    /// after the current step), so the key shows at once what it asked for.
    var requestedState: RequestedState?
    /// n-gram floors (order → nats per token on the validation text), once computed.
    var baselines: [Int: Double] = [:]
    /// The lowest floor, drawn in the loss pane.
    var bestBaseline: FloorLine? {
        baselines.min { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map { FloorLine(order: $0.key, loss: $0.value) }
    }
    var probe: HiddenStateProbe?
    var gradientFlow: GradientFlow?
    /// The models of a race (empty otherwise).
    var race: [RaceEntry] = []
    /// The embedding the neighbours and the map are computed from.
    var vectors: WordVectors?
    /// The most frequent tokens, most frequent first (for the map).
    var frequentTokens: [Int32] = []
    var loss = LossView()
    var hidden = HiddenView()
    var neighbours = NeighboursView()
    var sample = SampleView()
    // Interface
    var focus: PaneID = .loss
    var expanded = false
    var entry: TextEntry?
    var completion: Completion?
    /// The box drawn over the panes (help, or the last notices), and how far it is scrolled.
    var overlay: Overlay.Kind?
    var overlayScroll = 0
    /// The notices shown so far, oldest first, for `!` (a notice lasts one key press; some
    /// are too long for the status bar).
    var noticeHistory: [String] = []
    /// Notices worth repeating on stderr when the workbench exits (a run moved aside).
    var exitNotices: [String] = []
    var quitting = false
    /// The run folder, in watch mode.
    var watch = WatchState()

    init(size: Size, title: String) {
        self.size = size
        self.title = title
    }

    /// Temperatures the slider allows.
    static let temperatureRange = 0.05...3.0
    /// How many training losses the chart keeps (older ones are thinned, not dropped).
    static let lossHistoryLimit = 4000
    /// How often a new sample is drawn when only the weights changed.
    static let sampleRefreshInterval: TimeInterval = 5

    /// How many notices `!` keeps.
    static let noticeHistoryLimit = 30

    /// Appends the notice and the session's notice to the history when they are new.
    mutating func recordNotices() {
        for text in [notice, trainingNotice, watch.folderProblem, watch.problem].compactMap({ $0 }) where noticeHistory.last != text {
            guard !noticeHistory.suffix(4).contains(text) else { continue }
            noticeHistory.append(text)
        }
        if noticeHistory.count > AppState.noticeHistoryLimit { noticeHistory.removeFirst(noticeHistory.count - AppState.noticeHistoryLimit) }
    }

    /// Thins the older half of each loss curve (every other point) until it fits its
    /// limit: the whole run stays on the chart in bounded memory, however many points
    /// arrived at once.
    mutating func boundLossHistory() {
        while losses.count > AppState.lossHistoryLimit {
            losses = RunHistory.thinned(losses, limit: AppState.lossHistoryLimit)
        }
        while validationLosses.count > AppState.lossHistoryLimit {
            validationLosses = RunHistory.thinned(validationLosses, limit: AppState.lossHistoryLimit)
        }
    }
}
