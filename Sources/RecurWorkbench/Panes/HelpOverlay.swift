// The help overlay: every key, in a box over the middle of the screen.
import TerminalKit

struct HelpOverlay {
    static let lines: [(key: String, action: String)] = [
        ("p, space", "pause or resume training"),
        ("s", "train one step while paused"),
        ("w", "write a checkpoint now (it is also written on quit)"),
        ("← →", "lower or raise the sampling temperature"),
        ("- +", "halve or double the learning rate"),
        ("Tab, click", "focus the next pane / the pane clicked"),
        ("f, Esc", "expand the focused pane to the full screen and back"),
        ("/", "query the neighbours: a token, or a - b + c"),
        ("q, Ctrl-C", "quit (saving a checkpoint)"),
        ("", ""),
        ("Loss", "l log · x steps/tokens/time · z zoom · [ ] smoothing"),
        ("Hidden", "↑↓ unit · v sort · g h/c/gates · L layer · d gradient flow"),
        ("Neighbours", "↑↓ select · Enter hop · P pin (drift per epoch) · m PCA map"),
        ("Map", "t PCA or animated t-SNE (recur --word2vec, recur --vectors)"),
        ("Sample", "r resample · k top-k · t top-p · i prime · = temperature"),
    ]

    func render(in area: Rect, on canvas: inout Canvas) {
        let width = min(area.width - 4, 80), height = min(area.height - 2, HelpOverlay.lines.count + 4)
        guard width >= 20, height >= 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        canvas.fill(box)
        canvas.box(box, title: "Keys · any key closes", role: .focusedBorder)
        let inner = box.inset(by: 1)
        for (index, line) in HelpOverlay.lines.prefix(inner.height - 1).enumerated() {
            let y = inner.y + 1 + index
            canvas.write(line.key, x: inner.x + 1, y: y, role: .title, clip: inner)
            canvas.write(line.action, x: inner.x + 13, y: y, role: .text, clip: inner)
        }
    }
}
