// What a command hands the workbench to open it: what to show (a mode and its inputs)
// and how to look.
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
    /// A run training elsewhere, followed through its run folder.
    case watch(RunFolder)
}

/// What the workbench needs to start: what to show and how to look.
public struct WorkbenchConfiguration {
    var source: WorkbenchSource
    var title: String
    var theme: Theme
    var colour: Bool
    var startPaused: Bool
    /// Where checkpoints go (autosave, `w`, quit); nil disables saving.
    var checkpointPath: String?
    var checkpointWriter: CheckpointWriter?
    /// Save every few minutes and on quit (otherwise only on `w`).
    var autosave: Bool
    /// Shown in the status bar at start (a reopened run, a backup kept).
    var startNotice: String?

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
