// `recur gradflow`: how far back the last step's loss gradient reaches.
import ArgumentParser
import Foundation
import RecurCommandLine
import RecurEngine

struct GradientFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradflow",
        abstract: "‖∂L_T/∂h_{T−k}‖ for k = 0…T−1: how the last step's gradient fades back through time.",
        discussion: "Trains --steps steps first (0: the freshly initialised model), then back-propagates only the last step's loss over the first --seq tokens of --batch validation streams and prints the norm of the gradient reaching each earlier hidden state, per layer. A vanilla RNN's norms typically fall by orders of magnitude; an LSTM's or GRU's much less.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var cell: CellOption
    @Option(parsing: .unconditional, help: "Train this many steps before measuring.") var steps = 0
    @Option(help: "Continue from this checkpoint instead of a fresh model.") var resume: String?
    @Flag(help: "Print {\"norms\": [n_0, …, n_{T−1}], \"layers\": [[…], …], \"retention\": n_{T−1}/n_0}.") var json = false

    func run() throws {
        guard steps >= 0 else { throw RecurError.invalidArgument("--steps must not be negative (got \(steps))") }
        let measured = try GradientFlowRun(setup: try model.setup(cell: cell), resume: resume, steps: steps)
        let flow = measured.flow
        if json {
            try printJSON(["norms": flow.norms.last ?? [], "layers": flow.norms, "retention": flow.retention, "step": measured.step])
            return
        }
        let config = measured.config
        print("gradient flow of \(config.cell.rawValue) \(config.hidden)×\(config.layers) after \(measured.step) steps (last layer; k = steps back)")
        let last = flow.norms.last ?? []
        // Bars on a log scale from the smallest norm (one cell) to the largest (40 cells).
        let logs = last.map { log10(max($0, 1e-38)) }
        let low = logs.min() ?? 0, high = logs.max() ?? 0
        for (k, norm) in last.enumerated() where k % max(last.count / 16, 1) == 0 || k == last.count - 1 {
            let cells = high > low ? 1 + Int(39 * (logs[k] - low) / (high - low)) : 40
            print(String(format: "k %3d  %.3e  ", k, norm) + String(repeating: "█", count: cells))
        }
        print(String(format: "retention over %d steps: %.3e", last.count - 1, flow.retention))
    }
}
