// Every key of every mode, as one table: the help overlay draws it and `update` lets
// through only the keys it lists, so help and behaviour cannot drift apart. A key a mode
// does not list gets a notice instead of silence.
import TerminalKit

/// One entry of the help: the keys, how help names them, and what they do. An entry with
/// a `refusal` is listed so that a user learns why the key does nothing in this mode;
/// pressing it shows the refusal.
struct KeyBinding {
    let label: String
    let keys: [Key]
    let action: String
    var refusal: String?
    /// The pane whose focus the keys act on (for ↑↓ and Enter, which several panes share);
    /// nil for keys that act wherever the focus is.
    var pane: PaneID?

    init(_ label: String, _ keys: [Key], _ action: String, refusal: String? = nil, pane: PaneID? = nil) {
        self.label = label
        self.keys = keys
        self.action = action
        self.refusal = refusal
        self.pane = pane
    }
}

/// The keys of one part of the help: the global keys (no title) or one pane's.
struct KeySection {
    let title: String?
    let bindings: [KeyBinding]
}

enum KeyMap {
    /// The sections help shows for `mode`, in order.
    static func sections(for mode: WorkbenchMode) -> [KeySection] {
        [KeySection(title: nil, bindings: global(mode))] + panes(mode)
    }

    /// The binding that lets `key` act in `mode`; nil when the mode has none.
    static func binding(for key: Key, in mode: WorkbenchMode) -> KeyBinding? {
        for section in sections(for: mode) {
            if let binding = section.bindings.first(where: { $0.keys.contains(key) }) { return binding }
        }
        return nil
    }

    /// What an unlisted key says: the key, the mode, and where the keys are listed.
    static func unboundNotice(_ key: Key, in mode: WorkbenchMode) -> String {
        // A pane's key where the mode lacks that pane says which pane it belongs to.
        if let section = panes(.languageModel).first(where: { section in section.bindings.contains { $0.keys.contains(key) } }),
           let title = section.title, !panes(mode).contains(where: { $0.title == title }),
           let pane = PaneID.allCases.first(where: { $0.name.hasPrefix(title) }) {
            return "\(name(of: key)) works in the \(pane.name) pane, which \(mode.name) does not show"
        }
        return "\(name(of: key)) does nothing in \(mode.name); ? lists its keys"
    }

    static func name(of key: Key) -> String {
        switch key {
        case .character(" "): "space"
        case .character(let character): String(character)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .function(let number): "F\(number)"
        case .control(let character): "Ctrl-\(character.uppercased())"
        case .mouse: "the mouse"
        }
    }

    private static func keys(_ characters: String) -> [Key] { characters.map { Key.character($0) } }

    // MARK: - Global keys

    private static func global(_ mode: WorkbenchMode) -> [KeyBinding] {
        let focus = KeyBinding("Tab, click", [.tab, .backTab], "focus the next pane / the pane clicked")
        let expand = KeyBinding("f, Esc", [.character("f"), .escape], "expand the focused pane to the full screen and back")
        let query = KeyBinding("/", keys("/"), "query the neighbours: a word, or a - b + c")
        let notices = KeyBinding("!", keys("!"), "the last notices, whole")
        let help = KeyBinding("?, h", keys("?h"), "this help")
        let temperature = KeyBinding("← →", [.left, .right], "lower or raise the sampling temperature")
        switch mode {
        case .languageModel:
            return [
                KeyBinding("p, space", keys("p "), "pause or resume training"),
                KeyBinding("s", keys("s"), "train one step while paused"),
                KeyBinding("w", keys("w"), "write a checkpoint now (it is also written on quit)"),
                temperature,
                KeyBinding("- +", keys("-+"), "halve or double the learning rate"),
                focus, expand, query, notices, help,
                KeyBinding("q, Ctrl-C", keys("qQ"), "quit (saving a checkpoint)"),
            ]
        case .race:
            return [
                KeyBinding("p, space", keys("p "), "pause or resume the race"),
                KeyBinding("s", keys("s"), "train every model one step while paused"),
                KeyBinding("w", keys("w"), "(a race is not saved)",
                           refusal: "a race is not saved; train the cell you like with recur train --checkpoint"),
                temperature,
                KeyBinding("- +", keys("-+"), "halve or double every model's learning rate"),
                focus, expand, notices, help,
                KeyBinding("q, Ctrl-C", keys("qQ"), "quit"),
            ]
        case .word2vec:
            return [
                KeyBinding("p, space", keys("p "), "pause or resume word2vec (between chunks of ~10,000 words)"),
                KeyBinding("s", keys("s"), "train one chunk per thread while paused"),
                KeyBinding("w", keys("w"), "write the vectors now (word2vec text format)"),
                focus, expand, query, notices, help,
                KeyBinding("q, Ctrl-C", keys("qQ"), "quit, writing the vectors"),
            ]
        case .watch:
            return [
                KeyBinding("p, space", keys("p "), "pause the run: create DIR/pause (again: remove it)"),
                KeyBinding("w", keys("w"), "ask the trainer for a checkpoint: create DIR/save"),
                temperature,
                focus, expand, query, notices, help,
                KeyBinding("q, Ctrl-C", keys("qQ"), "quit (the run goes on; a pause made here is lifted)"),
                KeyBinding("s", keys("s"), "(a watched run trains elsewhere)",
                           refusal: "s trains one step here; a watched run trains elsewhere (p pauses it)"),
                KeyBinding("- +", keys("-+"), "(the learning rate is the trainer's)",
                           refusal: "the learning rate belongs to the trainer; watch mode cannot change it"),
            ]
        case .vectors:
            return [
                focus, expand, query, notices, help,
                KeyBinding("q, Ctrl-C", keys("qQ"), "quit"),
                KeyBinding("w", keys("w"), "(nothing to save: the vectors came from a file)",
                           refusal: "nothing to save: these vectors came from a file"),
                KeyBinding("p s - +", keys("ps -+"), "(nothing trains: the vectors came from a file)",
                           refusal: "nothing trains in vectors mode: these vectors came from a file"),
                KeyBinding("← →", [.left, .right], "(no sample, so no temperature)",
                           refusal: "vectors mode has no sample, so no temperature"),
            ]
        }
    }

    // MARK: - Pane keys

    private static func panes(_ mode: WorkbenchMode) -> [KeySection] {
        let lossAxis = KeyBinding("x", keys("x"), "steps/tokens/time")
        let loss = [
            KeyBinding("l", keys("l"), "log"),
            KeyBinding("z", keys("z"), "zoom"),
            KeyBinding("[ ]", keys("[]"), "smoothing"),
        ]
        let neighbours = [
            KeyBinding("↑↓", [.up, .down], "select", pane: .neighbours),
            KeyBinding("Enter", [.enter], "hop", pane: .neighbours),
        ]
        let pin = KeyBinding("P", keys("P"), "pin (drift per epoch)")
        let sample = [
            KeyBinding("r", keys("r"), "resample"),
            KeyBinding("k", keys("k"), "top-k"),
            KeyBinding("t", keys("t"), "top-p"),
            KeyBinding("i", keys("i"), "prime"),
            KeyBinding("=", keys("="), "temp"),
        ]
        let inspector = [
            KeyBinding("n", keys("n"), "inspect (← → token)"),
            KeyBinding("e", keys("e"), "saliency (inspecting)"),
            KeyBinding("K", keys("K"), "keep the exploration as prime"),
            KeyBinding("↑↓ Enter", [.up, .down, .enter], "pick, explore (inspecting)", pane: .sample),
        ]
        let map = KeyBinding("t", keys("t"), "PCA → animated t-SNE → animated UMAP", pane: .map)
        let units = [
            KeyBinding("↑↓ PgUp PgDn", [.up, .down, .pageUp, .pageDown], "unit", pane: .hidden),
            KeyBinding("v", keys("v"), "sort"),
            KeyBinding("g", keys("g"), "h/c/gates"),
            KeyBinding("L", keys("L"), "layer"),
        ]
        switch mode {
        case .languageModel:
            return [
                KeySection(title: "Loss", bindings: loss + [lossAxis]),
                KeySection(title: "Hidden", bindings: units + [
                    KeyBinding("d", keys("d"), "gradient flow"),
                    KeyBinding("c", keys("c"), "units that track quotes, brackets…"),
                    KeyBinding("b", keys("b"), "select a span (← → its end, Enter find it elsewhere)"),
                    KeyBinding("Enter", [.enter], "(span) matches", pane: .hidden),
                ]),
                KeySection(title: "Neighbours", bindings: neighbours + [pin, KeyBinding("m", keys("m"), "PCA map")]),
                KeySection(title: "Sample", bindings: sample + inspector),
            ]
        case .race:
            return [
                KeySection(title: "Loss", bindings: loss + [
                    KeyBinding("x", keys("x"), "(steps only)", refusal: "a race's loss chart counts steps, which every model shares"),
                ]),
                KeySection(title: "Sample", bindings: sample),
            ]
        case .word2vec:
            return [
                KeySection(title: "Loss", bindings: loss + [
                    KeyBinding("x", keys("x"), "(words trained only)", refusal: "word2vec's loss chart counts words trained; it has no other axis"),
                ]),
                KeySection(title: "Neighbours", bindings: neighbours + [
                    pin,
                    KeyBinding("m", keys("m"), "(the map has its own pane)", refusal: "the map has its own pane here (Tab to it)"),
                ]),
                KeySection(title: "Map", bindings: [map]),
            ]
        case .vectors:
            return [
                KeySection(title: "Neighbours", bindings: neighbours + [
                    KeyBinding("m", keys("m"), "(the map has its own pane)", refusal: "the map has its own pane here (Tab to it)"),
                ]),
                KeySection(title: "Map", bindings: [map]),
            ]
        case .watch:
            return [
                KeySection(title: "Loss", bindings: loss + [lossAxis]),
                KeySection(title: "Hidden", bindings: units + [
                    KeyBinding("d", keys("d"), "(trains here only)",
                               refusal: "gradient flow (d) is measured while training here, not on a watched run"),
                    KeyBinding("c", keys("c"), "(recur cells)", refusal: "c reads the run's text, which recur watch does not have: "
                               + "use recur cells --checkpoint DIR/step-….safetensors --corpus TEXT"),
                    KeyBinding("b", keys("b"), "(recur match)", refusal: "b reads the run's text, which recur watch does not have: "
                               + "use recur match --checkpoint DIR/step-….safetensors --corpus TEXT"),
                ]),
                KeySection(title: "Neighbours", bindings: neighbours + [pin, KeyBinding("m", keys("m"), "map of the vocabulary")]),
                KeySection(title: "Sample", bindings: sample + inspector),
            ]
        }
    }
}
