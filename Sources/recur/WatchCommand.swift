// `recur watch DIR`: the workbench on a run that trains elsewhere (a PyTorch run on a
// cluster, another `recur train`), through its run folder.
import ArgumentParser
import Foundation
import RecurEngine
import RecurWorkbench
import TerminalKit

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a run that trains elsewhere, through its run folder.",
        discussion: """
            DIR is a run folder, as python -m recur_torch train --dir writes one (or recur train --log DIR/log.jsonl --checkpoint DIR/step-NNNNNNNN.safetensors): the loss pane follows DIR/log.jsonl as it grows, and each new checkpoint DIR/step-NNNNNNNN.safetensors (the highest step) refreshes the hidden-state, neighbours and sample panes, computed here from its weights. The status bar shows the run's step, tokens/s and the age of the newest checkpoint. The folder is polled twice a second, so a folder synced or copied from another machine works as well as a shared one.

            Keys: p creates DIR/pause (the trainer holds between steps) and p again removes it; w creates DIR/save (the trainer writes a checkpoint, then deletes it); ←/→ temperature, / neighbour query, Tab focus, f expand, ? every key, q quit (the run goes on: a DIR/pause this watcher created is removed, and stderr says so).
            """)

    @Argument(help: ArgumentHelp("The run folder.", valueName: "DIR"))
    var folder: String
    @Option(help: "Theme: a name from themes/ (default, …) or a path to a .theme file.")
    var theme: String?

    func run() throws {
        let appearance = try Appearance(themeName: theme)
        let runFolder = try RunFolder(path: folder)
        try NcursesTerminal.checkAvailable()
        let title = URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent
        let configuration = WorkbenchConfiguration(source: .watch(runFolder), title: title,
                                                   theme: appearance.theme, colour: appearance.colour)
        try WorkbenchApp.launch(configuration)
    }
}
