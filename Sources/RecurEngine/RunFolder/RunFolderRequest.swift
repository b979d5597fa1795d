// What a watcher can ask of the trainer writing a run folder, through request files.

/// A request made by creating or removing a file in the run folder.
public enum RunFolderRequest: Sendable, Equatable {
    /// Create `DIR/pause`: the trainer starts no new step while it exists.
    case pause
    /// Remove `DIR/pause`.
    case resume
    /// Create `DIR/save`: the trainer writes a checkpoint, then deletes it.
    case save
}
