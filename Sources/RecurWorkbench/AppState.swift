// Everything the workbench shows, as one value. Only `update` changes it; the panes read it.
import Foundation
import RecurEngine
import TerminalKit

/// The panes, in focus order.
public enum PaneID: Int, CaseIterable, Sendable {
    case loss, hidden, neighbours, sample
}

/// The workbench's whole state.
public struct AppState {
    public var size: Size
    public var title: String
    // Training progress
    public var step = 0
    public var tokens = 0
    public var epoch = 0.0
    public var tokensPerSecond = 0.0
    public var gradientNorm = 0.0
    public var learningRate: Float = 0
    public var trainingState: TrainingState = .paused
    public var notice: String?
    /// Where checkpoints are written, and when the last one was.
    public var checkpointPath: String?
    public var lastSaved: Date?
    public var losses: [LossPoint] = []
    public var validationLosses: [LossPoint] = []
    // Model views
    public var vocabulary: Vocabulary?
    public var model: LanguageModel?
    /// Bumped whenever new weights arrive, so stale samples can be told apart.
    public var weightsVersion = 0
    public var probe: HiddenStateProbe?
    public var neighbourQuery: Int32 = 0
    public var neighbours: [Neighbour] = []
    public var temperature: Double = 0.8
    public var sample = ""
    /// The temperature and weights the shown sample was drawn with.
    public var sampleSource: (temperature: Double, weightsVersion: Int)?
    // Interface
    public var focus: PaneID = .loss
    public var showingHelp = false
    public var quitting = false

    public init(size: Size, title: String) {
        self.size = size
        self.title = title
    }

    /// Temperatures the slider allows.
    public static let temperatureRange = 0.05...3.0
    /// How many training losses the chart keeps (older ones are thinned, not dropped).
    public static let lossHistoryLimit = 4000
}
