// Everything the workbench shows, as one value. Only `update` changes it; the panes read it.
import Foundation
import RecurEngine
import TerminalKit

/// The workbench's whole state.
public struct AppState {
    public var size: Size
    public var title: String
    public var mode: WorkbenchMode = .languageModel
    // Training progress
    public var step = 0
    public var tokens = 0
    public var epoch = 0.0
    public var elapsed = 0.0
    public var tokensPerSecond = 0.0
    public var gradientNorm = 0.0
    public var learningRate: Float = 0
    public var trainingState: TrainingState = .paused
    /// What the session reports (a divergence, a failed save), as long as it reports it.
    public var trainingNotice: String?
    /// A message about the last key (a bad query, a key that cannot act); the next key
    /// clears it.
    public var notice: String?
    /// Where checkpoints are written, and when the last one was.
    public var checkpointPath: String?
    public var lastSaved: Date?
    public var losses: [LossPoint] = []
    public var validationLosses: [LossPoint] = []
    // Model views
    public var vocabulary: Vocabulary?
    public var model: LanguageModel?
    /// The time of the latest timed message (a snapshot): `update` never reads the clock.
    public var now = Date.distantPast
    /// The training step of `model`.
    public var modelStep = 0
    /// Validation runs every this many steps (0: unknown).
    public var evaluationInterval = 0
    /// Which validation tokens the validation loss reads, when not all.
    public var evaluationSlice: String?
    /// n-gram floors (order → nats per token on the validation text), once computed.
    public var baselines: [Int: Double] = [:]
    /// The lowest floor, drawn in the loss pane.
    var bestBaseline: FloorLine? {
        baselines.min { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map { FloorLine(order: $0.key, loss: $0.value) }
    }
    public var probe: HiddenStateProbe?
    public var gradientFlow: GradientFlow?
    /// The models of a race (empty otherwise).
    public var race: [RaceEntry] = []
    /// The embedding the neighbours and the map are computed from.
    public var vectors: WordVectors?
    /// The most frequent tokens, most frequent first (for the map).
    public var frequentTokens: [Int32] = []
    public var loss = LossView()
    public var hidden = HiddenView()
    public var neighbours = NeighboursView()
    public var sample = SampleView()
    // Interface
    public var focus: PaneID = .loss
    public var expanded = false
    public var entry: TextEntry?
    public var completion: Completion?
    /// The box drawn over the panes (help, or the last notices), and how far it is scrolled.
    var overlay: Overlay.Kind?
    var overlayScroll = 0
    /// The notices shown so far, oldest first, for `!` (a notice lasts one key press; some
    /// are too long for the status bar).
    public var noticeHistory: [String] = []
    /// Notices worth repeating on stderr when the workbench exits (a run moved aside).
    public var exitNotices: [String] = []
    public var quitting = false
    /// The run folder, in watch mode.
    public var watch = WatchState()

    public init(size: Size, title: String) {
        self.size = size
        self.title = title
    }

    /// Temperatures the slider allows.
    public static let temperatureRange = 0.05...3.0
    /// How many training losses the chart keeps (older ones are thinned, not dropped).
    public static let lossHistoryLimit = 4000
    /// How often a new sample is drawn when only the weights changed.
    public static let sampleRefreshInterval: TimeInterval = 5

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
