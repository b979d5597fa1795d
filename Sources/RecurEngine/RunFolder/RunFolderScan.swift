// One look at a run folder: what a watcher needs to decide what to read.

/// The state of a run folder at one moment.
public struct RunFolderScan: Sendable, Equatable {
    /// The checkpoint of the highest step, if any.
    public var newest: CheckpointFile?
    public var hasLog: Bool
    /// `DIR/pause` exists: the trainer holds between steps.
    public var pauseRequested: Bool
    /// `DIR/save` exists: the trainer has not yet written the checkpoint asked for.
    public var saveRequested: Bool

    public init(newest: CheckpointFile?, hasLog: Bool, pauseRequested: Bool, saveRequested: Bool) {
        self.newest = newest
        self.hasLog = hasLog
        self.pauseRequested = pauseRequested
        self.saveRequested = saveRequested
    }
}
