// The sample pane: the temperature slider, the sampling settings, the next-token
// distribution after the prime (top candidates as bars, with its entropy), and a text
// sampled from the latest weights.
import Foundation
import RecurEngine
import TerminalKit

struct SamplePane {
    let view: SampleView
    let vocabulary: Vocabulary?
    let entry: TextEntry?

    /// The slider's track within the pane at `area` (for mouse hits).
    static func track(in area: Rect) -> Rect? {
        let inner = area.inset(by: 1)
        guard inner.height >= 1 else { return nil }
        let labelWidth = "temperature 0.00 ".count
        return Rect(x: inner.x + labelWidth + 1, y: inner.y, width: max(inner.width - labelWidth - 2, 0), height: 1)
    }

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        // The title says which weights the text comes from: a sample from step 0 is noise.
        canvas.box(area, title: view.step.map { "Sample from step \($0)" } ?? "Sample", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 3 else { return }
        var rest = inner
        let slider: Rect
        (slider, rest) = rest.splitTop(1)
        if case .temperature = entry, let entry {
            canvas.write(entry.prompt, x: slider.x, y: slider.y, role: .selection, clip: slider)
        } else {
            Slider(label: "temperature", value: view.temperature, range: AppState.temperatureRange).render(in: slider, on: &canvas)
        }
        let settings: Rect
        (settings, rest) = rest.splitTop(1)
        switch entry {
        case .prime, .topK, .topP:
            canvas.write(entry?.prompt ?? "", x: settings.x, y: settings.y, role: .selection, clip: settings)
        default:
            canvas.write(settingsLine, x: settings.x, y: settings.y, role: .muted, clip: settings)
        }
        // The distribution after the prime (or at the inspector's cursor), when there is room.
        if let vocabulary, let distribution = view.shownDistribution, rest.height >= 8 {
            let rows = min(distribution.candidates.count, rest.height >= 14 ? 5 : 3)
            let header: Rect
            (header, rest) = rest.splitTop(1)
            let title = view.inspecting
                ? String(format: "token %d of %d · entropy %.2f nats · ←→ move · ↑↓ pick · Enter redraw · e saliency", view.cursor + 1, view.steps.count, distribution.entropy)
                : String(format: "next token · entropy %.2f nats · n inspect", distribution.entropy)
            canvas.write(title, x: header.x, y: header.y, role: .axis, clip: header)
            let bars: Rect
            (bars, rest) = rest.splitTop(rows)
            let items = distribution.candidates.prefix(rows).map {
                BarList.Item(label: NeighboursPane.label(vocabulary.tokens[Int($0.token)]), value: Double($0.probability))
            }
            BarList(items: Array(items), maximum: 1, selected: view.inspecting ? view.alternative : nil).render(in: bars, on: &canvas)
        }
        if view.text.isEmpty {
            canvas.write("waiting for the first weights…", x: rest.x, y: rest.y, role: .muted, clip: rest)
        } else if view.inspecting, let vocabulary {
            if view.explaining, rest.height >= 3 {
                let line: Rect
                (line, rest) = rest.splitTop(1)
                canvas.write(SamplePane.saliencyLine(view, vocabulary: vocabulary), x: line.x, y: line.y, role: .axis, clip: line)
            }
            SamplePane.renderTokens(view, vocabulary: vocabulary, in: rest, on: &canvas)
        } else {
            let current = view.source == view.request
            TextBlock(view.text, role: current ? .text : .muted).render(in: rest, on: &canvas)
        }
    }

    /// What the text continues (an exploration, the prime, or without a prime the start of
    /// a line), then top-k, top-p and seed: the context first, since a narrow pane clips
    /// the end of the line.
    var settingsLine: String {
        let topK = view.topK == 0 ? "off" : String(view.topK)
        let topP = view.topP >= 1 ? "off" : String(format: "%.2f", view.topP)
        let start: String
        if let exploring = view.exploring {
            start = "exploring \(exploring.count) tokens (K keeps, Esc back)"
        } else if view.prime.isEmpty {
            start = "no prime (\(vocabulary?.lineStart.description ?? "from the start"))"
        } else {
            start = "prime \"\(view.prime.prefix(20))\""
        }
        return "\(start) · top-k \(topK) · top-p \(topP) · seed \(view.seed)"
    }

    /// The drawn tokens flowed into lines, the one under the cursor highlighted and the
    /// lines scrolled so that it stays visible.
    static func renderTokens(_ view: SampleView, vocabulary: Vocabulary, in area: Rect, on canvas: inout Canvas) {
        guard area.width > 0, area.height > 0 else { return }
        var lines: [[(text: String, step: Int?)]] = [[]]
        var width = 0
        var previous: String?
        let pieces = view.primeIDs.map { (vocabulary.tokens[Int($0)], nil as Int?) }
            + view.steps.enumerated().map { (vocabulary.tokens[Int($0.element.token)], $0.offset as Int?) }
        for (token, step) in pieces {
            var text = vocabulary.level == .word ? (previous.map { WordTokenizer.separator(after: $0, before: token) } ?? "") + token : token
            previous = token
            if token == "\n" {
                lines[lines.count - 1].append((text: "⏎", step: step))
                lines.append([])
                width = 0
                continue
            }
            if width + text.count > area.width, width > 0 {
                lines.append([])
                width = 0
                text = text.trimmingCharacters(in: .whitespaces)
            }
            lines[lines.count - 1].append((text: text, step: step))
            width += text.count
        }
        // With saliency on, the tokens before the cursor are coloured by their score.
        let saliency = view.currentSaliency
        let largest = max(saliency?.scores.max() ?? 0, 1e-30)
        var pieceIndex = 0
        var roles: [StyleRole] = []
        for line in lines {
            for piece in line {
                var role: StyleRole = piece.step == view.cursor ? .selection : piece.step == nil ? .muted : .text
                if let saliency, piece.step.map({ $0 < view.cursor }) ?? true {
                    let index = pieceIndex + saliency.scores.count - (view.primeIDs.count + view.cursor)
                    if saliency.scores.indices.contains(index) { role = .heat(max(Heatmap.level(Float(saliency.scores[index] / largest)), 1)) }
                }
                roles.append(role)
                pieceIndex += 1
            }
        }
        let cursorLine = lines.firstIndex { $0.contains { $0.step == view.cursor } } ?? 0
        let first = max(0, min(cursorLine - area.height / 2, lines.count - area.height))
        var index = lines.prefix(first).reduce(0) { $0 + $1.count }
        for (row, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            var x = area.x
            for piece in line {
                x = canvas.write(piece.text, x: x, y: area.y + row, role: roles[index], clip: area)
                index += 1
            }
        }
    }

    /// What the saliency colours explain, and the tokens that matter most (so that it
    /// reads without colour too).
    static func saliencyLine(_ view: SampleView, vocabulary: Vocabulary) -> String {
        guard let request = view.saliencyRequest else { return "saliency: move the cursor onto a drawn token" }
        let target = NeighboursPane.label(vocabulary.tokens[Int(request.target)])
        guard let saliency = view.currentSaliency else { return "saliency of \(target): computing…" }
        let inputs = request.ids.suffix(saliency.scores.count)
        let strongest = zip(inputs, saliency.scores).enumerated().sorted { $0.element.1 > $1.element.1 }.prefix(3)
            .map { NeighboursPane.label(vocabulary.tokens[Int($0.element.0)]) + "@\($0.offset - inputs.count)" }
        return "why \(target): most " + strongest.joined(separator: " ") + " · p(T=1) " + String(format: "%.2f", saliency.probability)
            + " · ‖∂log p/∂embedding‖ · e off"
    }
}
