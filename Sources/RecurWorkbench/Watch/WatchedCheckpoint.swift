// A run folder's checkpoint, read and probed off the main queue, for the watch mode.
import RecurEngine

/// The weights of a watched run at one checkpoint, with what the panes draw from them.
struct WatchedCheckpoint: Sendable {
    var file: CheckpointFile
    var model: LanguageModel
    var vocabulary: Vocabulary
    /// The hidden state over the text the model writes itself (there is no corpus here).
    var probe: HiddenStateProbe
    /// The input embedding as word vectors, for the neighbours.
    var vectors: WordVectors?

    init(file: CheckpointFile, model: LanguageModel, vocabulary: Vocabulary, probe: HiddenStateProbe, vectors: WordVectors?) {
        self.file = file
        self.model = model
        self.vocabulary = vocabulary
        self.probe = probe
        self.vectors = vectors
    }
}
