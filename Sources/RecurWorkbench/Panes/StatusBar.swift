// The status bar: step, epoch, tokens/s, elapsed time, learning rate, state, the last
// checkpoint, and any notice (divergence, errors) in the warning colour.
import Foundation
import RecurEngine
import TerminalKit

struct StatusBar {
    let state: AppState

    func render(in area: Rect, on canvas: inout Canvas) {
        canvas.fill(area, role: .status)
        // Most important first, so that a narrow terminal still shows the state.
        var lead: [String], rest: [String]
        switch state.mode {
        case .languageModel:
            lead = [" recur", state.title, "step \(state.step)", "\(LineChart.format(state.tokensPerSecond.rounded())) tok/s"]
            rest = [String(format: "epoch %.2f", state.epoch), StatusBar.duration(state.elapsed),
                    String(format: "lr %.1e", Double(state.learningRate))]
            if let last = state.losses.last { rest.append(String(format: "loss %.3f", last.loss)) }
        case .word2vec:
            lead = [" recur word2vec", state.title, "epoch \(state.step)", String(format: "%.0f%%", 100 * state.epoch),
                    "\(LineChart.format(state.tokensPerSecond.rounded())) words/s"]
            rest = [StatusBar.duration(state.elapsed)]
            if let path = state.checkpointPath { rest.append("vectors → \((path as NSString).lastPathComponent)") }
        case .race:
            lead = [" recur race", state.title, "step \(state.step)", "\(LineChart.format(state.tokensPerSecond.rounded())) tok/s in all"]
            rest = ["\(state.race.count) models", StatusBar.duration(state.elapsed)]
        case .vectors:
            lead = [" recur vectors", state.title, "\(state.vectors?.count ?? 0) words × \(state.vectors?.dimension ?? 0)"]
            rest = []
        }
        var x = canvas.write(lead.joined(separator: "  "), x: area.x, y: area.y, role: .status, clip: area) + 2
        if state.mode != .vectors {
            let stateRole: StyleRole = state.trainingState == .running ? .statusRunning : .statusPaused
            let label = state.mode == .word2vec && state.trainingState == .stopped ? "done" : state.trainingState.rawValue
            x = canvas.write(" \(label) ", x: x, y: area.y, role: stateRole, clip: area) + 2
        }
        if let notice = state.trainingNotice ?? state.notice {
            x = canvas.write(notice, x: x, y: area.y, role: .warning, clip: area) + 2
        }
        if !rest.isEmpty { x = canvas.write(rest.joined(separator: "  "), x: x, y: area.y, role: .status, clip: area) + 2 }
        if let saved = state.lastSaved {
            // A formatter per frame would allocate on every redraw; the clock is enough.
            let time = Calendar.current.dateComponents([.hour, .minute, .second], from: saved)
            let text = String(format: "saved %02d:%02d:%02d", time.hour ?? 0, time.minute ?? 0, time.second ?? 0)
            x = canvas.write(text, x: x, y: area.y, role: .status, clip: area) + 2
        }
        let keys = "? help  q quit "
        if area.maxX - keys.count > x { canvas.write(keys, x: area.maxX - keys.count, y: area.y, role: .status, clip: area) }
    }

    /// 42s, 3m05s, 1h02m.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
