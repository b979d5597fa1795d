// What the watch mode knows of a run folder beyond the panes' data: what the last look
// found, which checkpoint is shown or being read, the request files, and why something is
// missing. Changed only by `update` (Update+Watch.swift).
import Foundation
import RecurEngine

/// The watch mode's view of its run folder.
struct WatchState {
    /// The folder as the user named it.
    var folder = ""
    /// The last look at the folder (nil before the first).
    var scan: RunFolderScan?
    /// Why the folder or its log could not be read, as long as that lasts.
    var folderProblem: String?
    var logProblem: String?
    /// The checkpoint the panes show, and the one being read.
    var shown: CheckpointFile?
    var reading: CheckpointFile?
    /// The last checkpoint that could not be read, why, and when: it is tried again
    /// after `retryInterval`, or at once when it changes (a copy still arriving).
    var failed: (file: CheckpointFile, reason: String, time: Date)?
    /// Request files as shown: from the last look that followed every request made.
    var pauseRequested = false
    var saveRequested = false
    /// DIR/pause is this watcher's: `p` created it and it has been there since. Quitting
    /// removes it, so that the run does not stay paused with nobody watching.
    var pauseMadeHere = false
    /// Requests (p, w) sent to the folder; a look taken before the last of them finished
    /// does not overrule what the keys set.
    var requestsSent = 0
    /// `w` was pressed while `saveAwaitedAfter` was the newest checkpoint: "save
    /// requested" shows until the trainer has removed DIR/save and a newer one is there.
    var saveAwaited = false
    var saveAwaitedAfter: CheckpointFile?
    var meter = ThroughputMeter()
    /// The log clock (Unix seconds) at its first record: the time axis starts there.
    var clockOrigin: Double?
    /// Log lines skipped because they were not records.
    var malformedLines = 0

    /// How long a checkpoint that failed to read waits before it is tried again.
    static let retryInterval: TimeInterval = 3
    /// Tokens on the neighbours pane's map: the first of the vocabulary (at word level
    /// the most frequent; there is no corpus to count here).
    static let mapSize = 40

    init() {}

    var pausePath: String { RunFolder.path(of: RunFolder.pauseName, in: folder) }
    var logPath: String { RunFolder.path(of: RunFolder.logName, in: folder) }

    /// Whether the status bar says "save requested".
    var saveShown: Bool { saveRequested || saveAwaited }

    /// The reason the panes are empty or stale, for the status line: the folder or log
    /// unreadable, the newest checkpoint refused, or nothing there yet.
    var problem: String? {
        if let folderProblem { return folderProblem }
        if let logProblem { return logProblem }
        if let failed { return failed.reason }
        guard let scan else { return nil }
        switch (scan.hasLog, scan.newest != nil) {
        case (false, false): return "waiting for \(logPath) and a checkpoint"
        case (false, true): return "waiting for \(logPath)"
        case (true, false): return "waiting for a checkpoint (\(RunFolder.path(of: "step-NNNNNNNN.safetensors", in: folder)))"
        case (true, true): return nil
        }
    }
}
