// The status bar: step, epoch, tokens/s, elapsed time, learning rate, state, the last
// checkpoint, and any notice (divergence, errors) in the warning colour.
import Foundation
import RecurEngine
import TerminalKit

struct StatusBar {
    let state: AppState

    /// How long a field stays on a narrowing bar (see `StatusLine`). The state is always
    /// shown; then the figures a user watches to judge a run (step, loss, learning rate,
    /// speed); then the last save (a run is never lost, and the bar says so) and "? help
    /// q quit", which is how a newcomer finds every other key; then progress and what
    /// they glance at; the program's name last. A notice displaces what ranks below the
    /// figures until it shows whole, and the figures other than the step only until its
    /// first `StatusLine.minimumNotice` columns show.
    enum Priority {
        static let step = 90
        static let loss = 80
        /// Watch mode: "save requested" until the trainer has saved.
        static let request = 75
        static let learningRate = 70
        static let speed = 85
        /// Watch mode: the newest checkpoint's step and age.
        static let checkpoint = 58
        static let output = 53
        static let keys = 52
        static let progress = 50
        static let title = 40
        static let elapsed = 30
        static let name = 10
    }

    func render(in area: Rect, on canvas: inout Canvas) {
        canvas.fill(area, role: .status)
        guard area.height > 0 else { return }
        for segment in line.layout(width: area.width) {
            canvas.write(segment.text, x: area.x + segment.x, y: area.y, role: segment.role, clip: area)
        }
    }

    /// The fields of the current mode in display order, the notice after the state.
    var line: StatusLine {
        var fields: [StatusLine.Field] = []
        var stateIndex: Int?
        func add(_ text: String, _ priority: Int) {
            // An untitled run has no title field, not an empty one that takes a separator.
            if !text.isEmpty { fields.append(.init(text: text, priority: priority)) }
        }
        func addState() {
            var role: StyleRole = state.trainingState == .running ? .statusRunning : .statusPaused
            var label = state.mode == .word2vec && state.trainingState == .stopped ? "done" : state.trainingState.rawValue
            if state.mode == .watch {
                // The pause file is the run's state as far as this side knows it.
                label = state.watch.pauseRequested ? "paused (\(state.watch.pausePath))" : "watching"
                role = state.watch.pauseRequested ? .statusPaused : .statusRunning
            } else if state.quitting {
                // Quitting waits for the step under way (seconds at a large vocabulary).
                label = "quitting…"
                role = .statusPaused
            } else if let requested = state.requestedState {
                label = requested.label
                role = .statusPaused
            }
            stateIndex = fields.count
            fields.append(.init(text: " \(label) ", priority: StatusLine.always, role: role))
        }
        let speed = LineChart.format(state.tokensPerSecond.rounded())
        switch state.mode {
        case .languageModel:
            add("recur", Priority.name)
            add(state.title, Priority.title)
            add("step \(state.step)", Priority.step)
            add("\(speed) tok/s", Priority.speed)
            addState()
            add(String(format: "epoch %.2f", state.epoch), Priority.progress)
            add(StatusBar.duration(state.elapsed), Priority.elapsed)
            add(String(format: "lr %.1e", Double(state.learningRate)), Priority.learningRate)
            if let last = state.losses.last { add(String(format: "loss %.3f", last.loss), Priority.loss) }
            if let saved = state.lastSaved { add(StatusBar.clock(saved), Priority.output) }
        case .word2vec:
            add("recur word2vec", Priority.name)
            add(state.title, Priority.title)
            add("epoch \(state.step)", Priority.step)
            // How far word2vec has come is its main figure, as the loss is a model's.
            add(String(format: "%.0f%%", 100 * state.epoch), Priority.loss)
            add("\(speed) words/s", Priority.speed)
            addState()
            add(StatusBar.duration(state.elapsed), Priority.elapsed)
            if let path = state.checkpointPath { add("vectors → \((path as NSString).lastPathComponent)", Priority.title) }
        case .race:
            add("recur race", Priority.name)
            add(state.title, Priority.title)
            add("step \(state.step)", Priority.step)
            add("\(speed) tok/s in all", Priority.speed)
            addState()
            add("\(state.race.count) models", Priority.progress)
            add(StatusBar.duration(state.elapsed), Priority.elapsed)
        case .watch:
            add("recur watch", Priority.name)
            add(state.title, Priority.title)
            add("step \(state.step)", Priority.step)
            add("\(speed) tok/s", Priority.speed)
            addState()
            if state.watch.saveShown { fields.append(.init(text: "save requested", priority: Priority.request, role: .warning)) }
            if let last = state.losses.last { add(String(format: "loss %.3f", last.loss), Priority.loss) }
            if let newest = state.watch.scan?.newest {
                // A clock a little ahead of ours (a synced folder) is not a negative age.
                let age = max(state.now.timeIntervalSince(newest.modified), 0)
                add("checkpoint \(newest.step) · \(StatusBar.duration(age)) old", Priority.checkpoint)
            }
            let skipped = state.watch.malformedLines
            if skipped > 0 { add("\(skipped) log line\(skipped == 1 ? "" : "s") skipped", Priority.elapsed) }
        case .vectors:
            add("recur vectors", Priority.name)
            add(state.title, Priority.title)
            add("\(state.vectors?.count ?? 0) words × \(state.vectors?.dimension ?? 0)", Priority.step)
        }
        fields.append(.init(text: "? help  q quit", priority: Priority.keys, atRightEnd: true))
        var notice = state.trainingNotice ?? state.notice
        if state.mode == .watch {
            // A folder gone or unreadable outranks the answer to the last key.
            notice = state.watch.folderProblem ?? notice ?? state.watch.problem
        }
        return StatusLine(fields: fields, notice: notice,
                          noticeAfter: stateIndex, yieldsWhole: Priority.output + 1, yieldsStart: Priority.step)
    }

    /// "saved 14:03:27": the clock time of the last checkpoint.
    static func clock(_ saved: Date) -> String {
        // A formatter per frame would allocate on every redraw; the clock is enough.
        let time = Calendar.current.dateComponents([.hour, .minute, .second], from: saved)
        return String(format: "saved %02d:%02d:%02d", time.hour ?? 0, time.minute ?? 0, time.second ?? 0)
    }

    /// 42s, 3m05s, 1h02m.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
