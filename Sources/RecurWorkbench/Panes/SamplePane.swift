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
        canvas.box(area, title: "Sample", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 3 else { return }
        var rest = inner
        let slider: Rect
        (slider, rest) = rest.splitTop(1)
        if case .temperature(let text) = entry {
            canvas.write("temperature = \(text)▏ Enter sets, Esc cancels", x: slider.x, y: slider.y, role: .selection, clip: slider)
        } else {
            Slider(label: "temperature", value: view.temperature, range: AppState.temperatureRange).render(in: slider, on: &canvas)
        }
        let settings: Rect
        (settings, rest) = rest.splitTop(1)
        if case .prime(let text) = entry {
            canvas.write("prime: \(text)▏ Enter sets, Esc cancels", x: settings.x, y: settings.y, role: .selection, clip: settings)
        } else {
            let prime = view.prime.isEmpty ? "none" : "\"\(view.prime.prefix(20))\""
            let line = "top-k \(view.topK ? String(SampleView.topKValue) : "off") · top-p \(view.topP ? String(format: "%.1f", SampleView.topPValue) : "off") · seed \(view.seed) · prime \(prime)"
            canvas.write(line, x: settings.x, y: settings.y, role: .muted, clip: settings)
        }
        // The distribution of the first sampled token, when there is room.
        if let vocabulary, !view.distribution.isEmpty, rest.height >= 8 {
            let rows = min(view.distribution.count, rest.height >= 14 ? 5 : 3)
            let header: Rect
            (header, rest) = rest.splitTop(1)
            canvas.write(String(format: "next token · entropy %.2f nats", view.entropy), x: header.x, y: header.y, role: .axis, clip: header)
            let bars: Rect
            (bars, rest) = rest.splitTop(rows)
            let items = view.distribution.prefix(rows).map {
                BarList.Item(label: NeighboursPane.label(vocabulary.tokens[Int($0.token)]), value: Double($0.probability))
            }
            BarList(items: Array(items), maximum: 1).render(in: bars, on: &canvas)
        }
        if view.text.isEmpty {
            canvas.write("waiting for the first weights…", x: rest.x, y: rest.y, role: .muted, clip: rest)
        } else {
            let current = view.source == view.request
            TextBlock(view.text, role: current ? .text : .muted).render(in: rest, on: &canvas)
        }
    }
}
