// Everything the workbench shows, as one value. Only `update` changes it; the panes read it.
import Foundation
import RecurEngine
import TerminalKit

/// The panes, in focus order.
public enum PaneID: Int, CaseIterable, Sendable {
    case loss, hidden, neighbours, sample, map

    /// As the pane's title names it, for notices.
    public var name: String {
        switch self {
        case .loss: "Loss"
        case .hidden: "Hidden state"
        case .neighbours: "Neighbours"
        case .sample: "Sample"
        case .map: "Map"
        }
    }
}

/// What the workbench is showing.
public enum WorkbenchMode: Sendable {
    /// For notices: "word2vec mode does not show …".
    public var name: String {
        switch self {
        case .languageModel: "a language model"
        case .word2vec: "word2vec mode"
        case .vectors: "vectors mode"
        case .race: "a race"
        case .watch: "watch mode"
        }
    }

    /// A language model training: every pane.
    case languageModel
    /// word2vec training live: loss, neighbours and the map.
    case word2vec
    /// Pretrained vectors, nothing training: neighbours and the map.
    case vectors
    /// Several language models racing: overlaid losses, samples side by side.
    case race
    /// A run training elsewhere, followed through its run folder: every pane of a
    /// language model, drawn from its log and newest checkpoint.
    case watch
}

/// One model of an architecture race.
public struct RaceEntry {
    public var name: String
    public var losses: [LossPoint] = []
    public var validationLosses: [LossPoint] = []
    public var tokensPerSecond = 0.0
    public var step = 0
    public var model: LanguageModel?
    public var sample = ""

    public init(name: String) { self.name = name }
}

/// How the map projects the vectors to two dimensions; `t` cycles through them in order.
public enum MapMethod: String, CaseIterable, Sendable {
    case pca = "PCA", tsne = "t-SNE", umap = "UMAP"

    /// The method after this one (UMAP wraps round to PCA).
    public var next: MapMethod {
        let all = MapMethod.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// t-SNE's perplexity for a map of `words` points: 30, or a third of the other
    /// points when there are too few for 30.
    static func perplexity(words: Int) -> Double { min(30, Double(words - 1) / 3) }

    /// UMAP's settings for a map of `words` points: umap-learn's defaults, with fewer
    /// neighbours when the map has fewer points than that.
    static func umapSettings(words: Int) -> UMAP.Settings {
        UMAP.Settings(neighbours: min(15, words - 1), minDistance: 0.1)
    }

    /// The settings a map of `words` points uses, as its header shows them; empty for PCA,
    /// which has none.
    func parameters(words: Int) -> String {
        switch self {
        case .pca: ""
        case .tsne: String(format: "perplexity %.3g", MapMethod.perplexity(words: words))
        case .umap: "\(MapMethod.umapSettings(words: words).neighbours) neighbours, min_dist 0.1"
        }
    }
}

/// What the loss chart's x axis counts.
public enum LossAxis: String, CaseIterable, Sendable {
    case steps, tokens, time
}

/// How the loss pane draws.
public struct LossView: Equatable {
    public var logarithmic = false
    public var axis: LossAxis = .steps
    /// Only the most recent `recentWindow` steps instead of the whole run.
    public var recentOnly = false
    /// Weight of the past in the moving average of the training loss (0: raw).
    public var smoothing = 0.95
    public static let recentWindow = 300
}

/// How the hidden-state pane draws.
public struct HiddenView {
    /// nil: the last layer.
    public var layer: Int?
    public var signal: ProbeSignal = .hidden
    /// Position of the highlighted unit in display order.
    public var cursor = 0
    public var sortByVariance = false
    /// Show the gradient flow through time instead of the activations.
    public var showGradientFlow = false
    /// The unit finder's list, while it is open (c).
    public var finder: UnitFinderView?
    /// The annotation track drawn under the heatmap, the r it was chosen for, and where
    /// the text it annotates starts (inside a quotation, …).
    public var track: (name: String, r: Double, start: AnnotationTrack.Start)?
    /// A span of the probe text being selected, and the matches of the last one.
    public var selection: SpanSelection?
    public var matching: SpanMatchRequest?
    public var matches: SpanMatches?

    /// The finder's list or a span's matches take the heatmap's place.
    public var showsUnitList: Bool { finder != nil || matching != nil || matches != nil }
}

/// A text being typed into a pane.
public enum TextEntry: Equatable {
    case neighbourQuery(String)
    case prime(String)
    case temperature(String)
    case topK(String)
    case topP(String)

    var text: String {
        switch self {
        case .neighbourQuery(let text), .prime(let text), .temperature(let text), .topK(let text), .topP(let text): text
        }
    }

    /// The line a pane shows while the entry is typed.
    var prompt: String {
        switch self {
        case .neighbourQuery(let text): "/ \(text)"
        case .prime(let text): "prime: \(text)▏ Enter sets, Esc cancels"
        case .temperature(let text): "temperature = \(text)▏ Enter sets, Esc cancels"
        case .topK(let text): "top-k = \(text)▏ 0 is off · Enter sets, Esc cancels"
        case .topP(let text): "top-p = \(text)▏ 1 is off · Enter sets, Esc cancels"
        }
    }

    func with(_ text: String) -> TextEntry {
        switch self {
        case .neighbourQuery: .neighbourQuery(text)
        case .prime: .prime(text)
        case .temperature: .temperature(text)
        case .topK: .topK(text)
        case .topP: .topP(text)
        }
    }
}

/// Tab completion in the neighbour query: the candidates for the term being typed, and
/// which one the entry shows; Tab again shows the next.
public struct Completion: Equatable {
    /// The query before the term being completed.
    public var head: String
    public var candidates: [String]
    public var index: Int
}

/// A token placed on the 2-D map of the embedding.
public struct MapPoint: Equatable, Sendable {
    public var label: String
    public var x: Float
    public var y: Float
}

/// The neighbours pane's query and results.
public struct NeighboursView {
    public var method: MapMethod = .pca
    /// The tokens of the query: one token, or an analogy's positive and negative terms.
    public var positive: [Int32] = []
    public var negative: [Int32] = []
    public var results: [Neighbour] = []
    public var selection = 0
    public var showMap = false
    public var map: [MapPoint] = []
    /// Pinned tokens: their neighbour lists at the start of the current epoch, and now.
    public var pinnedBaseline: [Int32: [Int32]] = [:]
    public var pinnedCurrent: [Int32: [Int32]] = [:]
    /// The epoch the baselines were taken in.
    public var baselineEpoch = 0
}

/// The sample pane's settings and what was drawn.
public struct SampleView {
    public var temperature = 0.8
    /// Keep the k most likely tokens; 0 keeps all. Typed after `k`.
    public var topK = 0
    /// Keep the most likely tokens whose probability reaches p; 1 keeps all. Typed after `t`.
    public var topP: Float = 1
    public var prime = ""
    public var seed: UInt64 = 7
    public var text = ""
    /// The prime's tokens and every drawn token with its distribution.
    public var primeIDs: [Int32] = []
    /// Everything fed before the drawn tokens (see SampleResult.context).
    public var contextIDs: [Int32] = []
    /// The inspector's exploration in force (see SampleRequest.context).
    public var exploring: [Int32]?
    public var steps: [SampleStep] = []
    /// The sampling inspector: a cursor on a drawn token and a chosen alternative.
    public var inspecting = false
    public var cursor = 0
    public var alternative = 0
    /// The distribution shown: at the cursor while inspecting, else after the prime.
    public var shownDistribution: NextTokenDistribution? {
        steps.isEmpty ? nil : steps[inspecting ? min(cursor, steps.count - 1) : 0].distribution
    }
    /// Saliency in the inspector (e): on or off, and the last result.
    public var explaining = false
    public var saliency: SaliencyView?
    /// The settings and weights the shown sample was drawn with.
    public var source: SampleRequest?
    /// The training step of the weights the shown text came from.
    public var step: Int?
    public var lastDrawn = Date.distantPast

    public var request: SampleRequest {
        SampleRequest(temperature: temperature, topK: topK, topP: topP, prime: prime, seed: seed, context: exploring)
    }

}

/// Everything a sample depends on besides the weights.
public struct SampleRequest: Equatable, Sendable {
    public var temperature: Double
    public var topK: Int
    public var topP: Float
    public var prime: String
    public var seed: UInt64
    /// The inspector's exploration: token ids to continue from instead of the prime,
    /// until the user keeps them as the prime (K) or drops them (Esc).
    public var context: [Int32]?

    public init(temperature: Double, topK: Int, topP: Float, prime: String, seed: UInt64, context: [Int32]? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.prime = prime
        self.seed = seed
        self.context = context
    }
}

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
    /// Bumped whenever new weights arrive, so stale results can be told apart.
    public var weightsVersion = 0
    /// The time of the latest timed message (a snapshot): `update` never reads the clock.
    public var now = Date.distantPast
    /// The training step of `model`.
    public var modelStep = 0
    /// Validation runs every this many steps (0: unknown).
    public var evaluationInterval = 0
    /// Which validation tokens the validation loss reads, when not all.
    public var evaluationSlice: String?
    /// How much of a validation under way has been read (0–1), nil when none is.
    public var validationProgress: Double?
    /// A command sent to the session that its snapshots do not show yet (it is handled
    /// after the current step), so the key shows at once what it asked for.
    public var requestedState: RequestedState?
    /// n-gram floors (order → nats per token on the validation text), once computed.
    public var baselines: [Int: Double] = [:]
    /// The lowest floor, drawn in the loss pane.
    public var bestBaseline: (order: Int, loss: Double)? {
        baselines.min { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }.map { ($0.key, $0.value) }
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
