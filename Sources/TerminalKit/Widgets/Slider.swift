// A horizontal slider: a label with the value, then a track with a knob.
import Foundation

/// `label N.NN ├───●────┤` for a value within a range.
public struct Slider: Sendable {
    public var label: String
    public var value: Double
    public var range: ClosedRange<Double>
    /// printf format of the value.
    public var format: String

    public init(label: String, value: Double, range: ClosedRange<Double>, format: String = "%.2f") {
        self.label = label
        self.value = value
        self.range = range
        self.format = format
    }

    /// Draws on one row of `area`; the track takes the width left after the label.
    public func render(in area: Rect, on canvas: inout Canvas) {
        guard area.height >= 1, area.width >= 1 else { return }
        let text = "\(label) \(String(format: format, value)) "
        let trackStart = canvas.write(text, x: area.x, y: area.y, role: .text, clip: area)
        let trackWidth = area.maxX - trackStart
        guard trackWidth >= 3 else { return }
        canvas[trackStart, area.y] = Cell("├", role: .sliderTrack)
        canvas[area.maxX - 1, area.y] = Cell("┤", role: .sliderTrack)
        let inner = trackWidth - 2
        for x in 0..<inner { canvas[trackStart + 1 + x, area.y] = Cell("─", role: .sliderTrack) }
        let fraction = (min(max(value, range.lowerBound), range.upperBound) - range.lowerBound) / (range.upperBound - range.lowerBound)
        let knob = Int((fraction * Double(inner - 1)).rounded())
        canvas[trackStart + 1 + knob, area.y] = Cell("●", role: .sliderKnob)
    }
}
