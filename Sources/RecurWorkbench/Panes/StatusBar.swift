// The status bar: step, epoch, tokens/s, elapsed time, learning rate, state, the last
// checkpoint, and any notice (divergence, errors) in the warning colour.
import Foundation
import RecurEngine
import TerminalKit

struct StatusBar {
    let state: AppState

    func render(in area: Rect, on canvas: inout Canvas) {
        canvas.fill(area, role: .status)
        var parts: [String]
        switch state.mode {
        case .languageModel:
            parts = [" recur", state.title, "step \(state.step)", String(format: "epoch %.2f", state.epoch),
                     "\(LineChart.format(state.tokensPerSecond.rounded())) tok/s", StatusBar.duration(state.elapsed),
                     String(format: "lr %.1e", Double(state.learningRate))]
        case .word2vec:
            parts = [" recur word2vec", state.title, "epoch \(state.step)", String(format: "%.0f%%", 100 * state.epoch),
                     "\(LineChart.format(state.tokensPerSecond.rounded())) words/s", StatusBar.duration(state.elapsed)]
        case .race:
            parts = [" recur race", state.title, "step \(state.step)", "\(state.race.count) models",
                     "\(LineChart.format(state.tokensPerSecond.rounded())) tok/s in all", StatusBar.duration(state.elapsed)]
        case .vectors:
            parts = [" recur vectors", state.title, "\(state.vectors?.count ?? 0) words × \(state.vectors?.dimension ?? 0)"]
        }
        if let last = state.losses.last { parts.append(String(format: "loss %.3f", last.loss)) }
        var x = canvas.write(parts.joined(separator: "  "), x: area.x, y: area.y, role: .status, clip: area) + 2
        if state.mode != .vectors {
            let stateRole: StyleRole = state.trainingState == .running ? .statusRunning : .statusPaused
            let label = state.mode == .word2vec && state.trainingState == .stopped ? "done" : state.trainingState.rawValue
            x = canvas.write(" \(label) ", x: x, y: area.y, role: stateRole, clip: area) + 2
        }
        if let saved = state.lastSaved {
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm:ss"
            x = canvas.write("saved \(formatter.string(from: saved))", x: x, y: area.y, role: .status, clip: area) + 2
        }
        if let notice = state.notice {
            x = canvas.write(notice, x: x, y: area.y, role: .warning, clip: area) + 2
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
