// What the workbench shows (its mode), and the panes it shows it in.

/// The panes, in focus order.
enum PaneID: Int, CaseIterable, Sendable {
    case loss, hidden, neighbours, sample, map

    /// As the pane's title names it, for notices.
    var name: String {
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
enum WorkbenchMode: Sendable {
    /// For notices: "word2vec mode does not show …".
    var name: String {
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
