// Polls a run folder on its own serial queue (no inotify: a folder synced from a cluster
// or on a network mount gets no events), twice a second: a look at the folder, then the
// log's appended bytes, each posted as a message with the time it was taken. Requests
// (p, w) run on the same queue, followed at once by a look, so the messages arrive in the
// order things happened. Nothing here touches the main queue but through `post`.
import Dispatch
import Foundation
import RecurEngine

/// The watch mode's poller of one run folder.
final class FolderWatcher: @unchecked Sendable {
    static let interval = DispatchTimeInterval.milliseconds(500)
    /// Log pieces read in one poll before the next look at the folder.
    static let piecesPerPoll = 8

    let folder: RunFolder
    private let queue = DispatchQueue(label: "recur.workbench.watch", qos: .utility)
    private let post: @Sendable (@escaping @Sendable () -> Msg) -> Void
    // Touched only on `queue`.
    private var log: LogFollower
    private var requestsDone = 0
    private var timer: DispatchSourceTimer?

    /// `post` hands a message to the event loop.
    init(folder: RunFolder, post: @escaping @Sendable (@escaping @Sendable () -> Msg) -> Void) {
        self.folder = folder
        self.post = post
        log = LogFollower(path: folder.logPath)
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: FolderWatcher.interval)
        timer.setEventHandler { [weak self] in self?.poll() }
        self.timer = timer
        timer.resume()
    }

    /// Creates or removes a request file, then looks at the folder again.
    func perform(_ request: RunFolderRequest) {
        queue.async { [self] in
            let note = switch request {
            case .pause: "recur watch: the trainer starts no new step while this file exists; delete it (or press p again) to resume"
            case .save: "recur watch: write a checkpoint at the next step boundary, then delete this file"
            case .resume: ""
            }
            do {
                try folder.perform(request, note: note)
            } catch {
                let reason = (error as? RecurError)?.description ?? "\(error)"
                post { .requestFailed(request, reason: reason) }
            }
            requestsDone += 1
            poll()
        }
    }

    /// On quit: stops polling and removes DIR/pause, which this watcher created, after
    /// any request still queued. Returns the line to print: what was done, or why not.
    func withdrawPause() -> (line: String, failed: Bool) {
        queue.sync { [self] in
            timer?.cancel()
            do {
                try folder.perform(.resume, note: "")
                return ("removed \(folder.pausePath), the pause this watcher made: the run goes on", false)
            } catch {
                let reason = (error as? RecurError)?.description ?? "\(error)"
                return ("recur: \(reason): the run stays paused until \(folder.pausePath) is removed", true)
            }
        }
    }

    private func poll() {
        let time = Date()
        let scan = Result { try folder.scan() }.mapError { ($0 as? RecurError) ?? .io("\($0)") }
        let done = requestsDone
        post { .folderScanned(scan, requestsDone: done, time: time) }
        // A long log arrives in pieces, each its own message, so memory stays bounded.
        for _ in 0..<FolderWatcher.piecesPerPoll {
            let read = Result { try log.poll() }.mapError { ($0 as? RecurError) ?? .io("\($0)") }
            switch read {
            case .success(nil):
                return
            case .success(let batch?):
                // An unchanged log is not news.
                guard !batch.records.isEmpty || batch.restarted || batch.malformedLines > 0 else { return }
                post { .logRead(.success(batch), time: time) }
                if !batch.more { return }
            case .failure(let error):
                post { .logRead(.failure(error), time: time) }
                return
            }
        }
    }
}
