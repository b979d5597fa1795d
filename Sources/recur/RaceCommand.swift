// `recur race`: several cells trained side by side in one workbench.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine
import RecurWorkbench

struct RaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race",
        abstract: "Race architectures: train several cells on the same text, seed and batches, side by side.",
        discussion: "Models take turns, one step each, so they have always seen the same tokens; the loss chart overlays them and each shows its sample at the shared temperature and its own tokens/s. p pauses and resumes all, ←/→ set the temperature, q quits. The other model flags (--hidden, --layers, --lr, …) apply to every model; --match-params sizes each model's hidden layer so all have about as many parameters as the first.")

    @OptionGroup var model: ModelOptions
    @Option(help: "Comma-separated cells, e.g. rnn,lstm,gru (an RNN may name its activation: rnn-relu; a -ln or -none suffix sets that model's --norm: lstm,lstm-ln races an LSTM against a layer-normalised one).") var cells = "rnn,lstm,gru"
    @Flag(name: .customLong("match-params"), help: "Give every model about the first one's parameter count by choosing its hidden width.") var matchParams = false
    @Option(help: "Theme: a name from themes/ or a path to a .theme file.") var theme: String?
    @Flag(help: "Open paused.") var paused = false

    func run() throws {
        let appearance = try Appearance(themeName: theme)
        let setup = try model.setup(cell: nil)
        let race = try RaceSetup(setup: setup, cells: cells, matchParams: matchParams)
        let configuration = WorkbenchConfiguration(source: .race(trainers: race.trainers, names: race.names, vocabulary: race.corpus.vocabulary),
                                                   title: URL(fileURLWithPath: try setup.resolvedCorpusPath()).lastPathComponent,
                                                   theme: appearance.theme, colour: appearance.colour,
                                                   startPaused: paused)
        try WorkbenchApp.launch(configuration)
    }
}
