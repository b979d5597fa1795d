// The help overlay: every key, in a box over the middle of the screen.
import TerminalKit

struct HelpOverlay {
    let mode: WorkbenchMode
    /// The keys of `mode`, all of them.
    static func lines(for mode: WorkbenchMode) -> [(key: String, action: String)] {
        let common: [(key: String, action: String)] = [
            ("Tab, click", "focus the next pane / the pane clicked"),
            ("f, Esc", "expand the focused pane to the full screen and back"),
            ("/", "query the neighbours: a word, or a - b + c"),
        ]
        let explore: [(key: String, action: String)] = [
            ("Neighbours", "↑↓ select · Enter hop · P pin (drift per epoch) · m map"),
            ("Map", "t PCA or animated t-SNE"),
        ]
        switch mode {
        case .languageModel, .race:
            return [
                ("p, space", "pause or resume training"),
                ("s", "train one step while paused"),
                ("w", mode == .race ? "(a race is not saved)" : "write a checkpoint now (it is also written on quit)"),
                ("← →", "lower or raise the sampling temperature"),
                ("- +", "halve or double the learning rate"),
            ] + common + [
                ("q, Ctrl-C", mode == .race ? "quit" : "quit (saving a checkpoint)"),
                ("", ""),
                ("Loss", "l log · x steps/tokens/time · z zoom · [ ] smoothing"),
                ("Hidden", "↑↓ unit · v sort · g h/c/gates · L layer · d gradient flow"),
                ("", "c units that track quotes, brackets… · b select a span"),
                ("Neighbours", "↑↓ select · Enter hop · P pin (drift per epoch) · m PCA map"),
                ("Sample", "r resample · k top-k · t top-p · i prime · = temp · n inspect"),
                ("", "e (inspecting) saliency: which earlier tokens matter"),
            ]
        case .word2vec:
            return [
                ("p, space", "pause or resume word2vec (between chunks of ~10,000 words)"),
                ("s", "train one slice while paused"),
                ("w", "write the vectors now (word2vec text format)"),
            ] + common + [
                ("q, Ctrl-C", "quit, writing the vectors"),
                ("", ""),
                ("Loss", "l log · z zoom · [ ] smoothing (x axis: words trained)"),
            ] + explore
        case .watch:
            return [
                ("p, space", "pause the run: create DIR/pause (again: remove it)"),
                ("w", "ask the trainer for a checkpoint: create DIR/save"),
                ("← →", "lower or raise the sampling temperature"),
            ] + common + [
                ("q, Ctrl-C", "quit (the run goes on)"),
                ("s + - d", "(train here only: a watched run trains elsewhere)"),
                ("", ""),
                ("Loss", "l log · x steps/tokens/time · z zoom · [ ] smoothing"),
                ("Hidden", "↑↓ unit · v sort · g h/c/gates · L layer (on its own text)"),
                ("Neighbours", "↑↓ select · Enter hop · P pin · m map of the vocabulary"),
                ("Sample", "r resample · k top-k · t top-p · i prime · = temp · n inspect"),
            ]
        case .vectors:
            return common + [("q, Ctrl-C", "quit"), ("", "")] + explore
        }
    }

    func render(in area: Rect, on canvas: inout Canvas) {
        let width = min(area.width - 4, 80), height = min(area.height - 2, HelpOverlay.lines(for: mode).count + 4)
        guard width >= 20, height >= 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        canvas.fill(box)
        canvas.box(box, title: "Keys · any key closes", role: .focusedBorder)
        let inner = box.inset(by: 1)
        for (index, line) in HelpOverlay.lines(for: mode).prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + index
            canvas.write(line.key, x: inner.x + 1, y: y, role: .title, clip: inner)
            canvas.write(line.action, x: inner.x + 13, y: y, role: .text, clip: inner)
        }
    }
}
