// The reducer's watch mode: a run training elsewhere, seen through its run folder. Looks
// at the folder, log records and checkpoints arrive as messages with the time they were
// taken; `p` and `w` become requests to create or remove files there. Pure, like the rest
// of `update`.
import Foundation
import RecurEngine
import TerminalKit

/// `p`: creates DIR/pause, or removes it when it is there (whoever created it).
func togglePause(_ state: inout AppState) -> [Effect] {
    let pause = !state.watch.pauseRequested
    state.watch.pauseRequested = pause
    state.watch.pauseMadeHere = pause
    state.watch.requestsSent += 1
    return [.request(pause ? .pause : .resume)]
}

/// `w`: creates DIR/save; "save requested" shows until the trainer has removed it and a
/// newer checkpoint is there.
func requestSave(_ state: inout AppState) -> [Effect] {
    state.watch.saveRequested = true
    state.watch.saveAwaited = true
    state.watch.saveAwaitedAfter = state.watch.scan?.newest
    state.watch.requestsSent += 1
    return [.request(.save)]
}

func requestFailed(_ request: RunFolderRequest, reason: String, state: inout AppState) -> [Effect] {
    state.notice = reason
    if request == .save { state.watch.saveAwaited = false }
    return []
}

/// A look at the folder: the request files as they are, and the newest checkpoint to read
/// when it is not the one shown (a checkpoint that failed is tried again once it changes,
/// or after `WatchState.retryInterval`).
func apply(scan result: Result<RunFolderScan, RecurError>, requestsDone: Int, time: Date, to state: inout AppState) -> [Effect] {
    state.now = time
    let scan: RunFolderScan
    switch result {
    case .failure(let error):
        state.watch.folderProblem = error.description
        return []
    case .success(let found):
        scan = found
    }
    state.watch.folderProblem = nil
    state.watch.scan = scan
    // A look taken before the last request was carried out would undo what its key showed.
    if requestsDone >= state.watch.requestsSent {
        state.watch.pauseRequested = scan.pauseRequested
        // Removed by someone else: a pause file that comes later is not this watcher's.
        if !scan.pauseRequested { state.watch.pauseMadeHere = false }
        state.watch.saveRequested = scan.saveRequested
        if state.watch.saveAwaited, !scan.saveRequested, scan.newest != state.watch.saveAwaitedAfter {
            state.watch.saveAwaited = false
            state.watch.saveAwaitedAfter = nil
        }
    }
    // A refused checkpoint that is no longer the newest (deleted, or a newer one came) is
    // no longer a problem.
    if let failed = state.watch.failed, failed.file != scan.newest { state.watch.failed = nil }
    guard let newest = scan.newest, newest != state.watch.shown, newest != state.watch.reading else { return [] }
    if let failed = state.watch.failed, failed.file == newest, time.timeIntervalSince(failed.time) < WatchState.retryInterval {
        return []
    }
    state.watch.reading = newest
    return [.readCheckpoint(newest)]
}

/// New log records: the loss curves grow (a record at or before the last step replaces
/// what followed it, as after a rollback), the step and speed follow the last record. A
/// restarted log (replaced or truncated) replaces the curves.
func apply(log result: Result<LogBatch, RecurError>, time: Date, to state: inout AppState) -> [Effect] {
    state.now = time
    let batch: LogBatch
    switch result {
    case .failure(let error):
        state.watch.logProblem = error.description
        return []
    case .success(let read):
        batch = read
    }
    state.watch.logProblem = nil
    state.watch.malformedLines += batch.malformedLines
    if batch.restarted {
        state.losses = []
        state.validationLosses = []
        state.watch.meter = ThroughputMeter()
        state.watch.clockOrigin = nil
        // Until records come again, the step is the checkpoint's.
        state.step = state.watch.shown?.step ?? 0
        state.tokens = 0
    }
    // Lines without the trainer's clock are timed by their arrival here.
    let arrival = time.timeIntervalSince1970
    var untimed: LogRecord?
    for record in batch.records {
        let clock = record.time ?? arrival
        let origin = state.watch.clockOrigin ?? clock
        state.watch.clockOrigin = origin
        while let last = state.losses.last, last.step >= record.step { state.losses.removeLast() }
        while let last = state.validationLosses.last, last.step >= record.step { state.validationLosses.removeLast() }
        let elapsed = max(clock - origin, 0)
        state.losses.append(LossPoint(step: record.step, tokens: record.tokens, loss: record.loss, elapsed: elapsed))
        if let validation = record.validationLoss {
            state.validationLosses.append(LossPoint(step: record.step, tokens: record.tokens, loss: validation, elapsed: elapsed))
        }
        if let stamp = record.time { state.watch.meter.add(tokens: record.tokens, time: stamp) } else { untimed = record }
    }
    if let untimed { state.watch.meter.add(tokens: untimed.tokens, time: arrival) }
    state.boundLossHistory()
    if let last = batch.records.last {
        state.step = last.step
        state.tokens = last.tokens
        state.gradientNorm = last.gradientNorm ?? 0
    }
    state.tokensPerSecond = state.watch.meter.tokensPerSecond
    return []
}

/// A checkpoint read: its weights go to every pane, and a new sample is drawn from them.
/// Another vocabulary (a new run in the folder) resets the queries made in the old one.
func apply(_ checkpoint: WatchedCheckpoint, to state: inout AppState) -> [Effect] {
    guard checkpoint.file == state.watch.reading else { return [] }
    state.watch.reading = nil
    state.watch.shown = checkpoint.file
    state.watch.failed = nil
    if state.vocabulary != checkpoint.vocabulary {
        state.vocabulary = checkpoint.vocabulary
        state.neighbours.positive = [defaultQuery(in: checkpoint.vocabulary)]
        state.neighbours.negative = []
        state.neighbours.results = []
        state.neighbours.pinnedBaseline = [:]
        state.neighbours.pinnedCurrent = [:]
        state.sample.prime = ""
        state.sample.exploring = nil
        state.frequentTokens = AppState.firstTokens(min(checkpoint.vocabulary.count, WatchState.mapSize))
    }
    let probe = checkpoint.probe
    state.probe = probe
    state.hidden.cursor = min(state.hidden.cursor, max(probe.units - 1, 0))
    if let layer = state.hidden.layer, layer >= probe.layers { state.hidden.layer = nil }
    if !probe.signals.contains(state.hidden.signal) { state.hidden.signal = .hidden }
    if state.losses.isEmpty { state.step = checkpoint.file.step }
    return newWeights(&state, model: checkpoint.model, vectors: checkpoint.vectors, step: checkpoint.file.step, sampleNow: true)
}

/// A checkpoint that could not be read: the one shown stays, the reason is shown, and
/// the file is tried again later.
func checkpointFailed(_ file: CheckpointFile, reason: String, state: inout AppState) -> [Effect] {
    if file == state.watch.reading { state.watch.reading = nil }
    state.watch.failed = (file, reason, state.now)
    return []
}
