// The sample pane: the temperature slider and a text sampled at that temperature from
// the latest weights.
import TerminalKit

struct SamplePane {
    let temperature: Double
    let sample: String
    let sampleTemperature: Double?

    func render(in area: Rect, on canvas: inout Canvas, focused: Bool) {
        canvas.box(area, title: "Sample", role: focused ? .focusedBorder : .border)
        let inner = area.inset(by: 1)
        guard inner.height >= 2 else { return }
        let (sliderRow, textArea) = inner.splitTop(2)
        Slider(label: "temperature", value: temperature, range: 0.05...3.0)
            .render(in: Rect(x: sliderRow.x, y: sliderRow.y, width: sliderRow.width, height: 1), on: &canvas)
        if sample.isEmpty {
            canvas.write("waiting for the first weights…", x: textArea.x, y: textArea.y, role: .muted, clip: textArea)
        } else {
            TextBlock(sample, role: sampleTemperature == temperature ? .text : .muted).render(in: textArea, on: &canvas)
        }
    }
}
