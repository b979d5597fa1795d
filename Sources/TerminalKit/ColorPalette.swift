// Maps 24-bit theme colours to the palette a terminal has: the xterm 256-colour cube
// and grey ramp, or the 16/8 ANSI colours.

/// How many colours the terminal can show.
enum ColorDepth: Sendable, Equatable {
    case none, ansi8, ansi16, xterm256

    init(colorCount: Int) {
        switch colorCount {
        case 256...: self = .xterm256
        case 16...: self = .ansi16
        case 8...: self = .ansi8
        default: self = .none
        }
    }

    /// The palette index closest to `colour`, or nil when there are no colours.
    func index(for colour: RGB) -> Int? {
        switch self {
        case .none: return nil
        case .ansi8: return ColorDepth.nearest(colour, in: ColorDepth.ansiColours.prefix(8))
        case .ansi16: return ColorDepth.nearest(colour, in: ColorDepth.ansiColours[...])
        case .xterm256: return ColorDepth.xtermIndex(colour)
        }
    }

    /// The depth to draw `theme` at: a theme written only in the 16 ANSI colours (ansi16)
    /// keeps to their indices even on a 256-colour terminal, so it sends no 256-colour
    /// escapes and looks as the terminal's own palette says.
    func drawing(_ theme: Theme) -> ColorDepth {
        guard self == .xterm256 else { return self }
        let colours = StyleRole.all.flatMap { role -> [RGB] in
            let style = theme.style(for: role)
            return [style.foreground, style.background].compactMap { $0 }
        }
        return colours.allSatisfy(ColorDepth.ansiColours.contains) ? .ansi16 : self
    }

    /// The VGA-like RGB values of the 16 ANSI colours, as xterm shows them.
    static let ansiColours: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    static func nearest(_ colour: RGB, in palette: ArraySlice<RGB>) -> Int {
        var best = 0, bestDistance = Int.max
        for (index, candidate) in palette.enumerated() {
            let distance = squaredDistance(colour, candidate)
            if distance < bestDistance { best = index; bestDistance = distance }
        }
        return best
    }

    /// The nearer of the 6×6×6 cube entry and the grey-ramp entry.
    static func xtermIndex(_ colour: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeLevel(_ value: UInt8) -> Int {
            var best = 0
            for (index, level) in levels.enumerated() where abs(level - Int(value)) < abs(levels[best] - Int(value)) {
                best = index
            }
            return best
        }
        let r = cubeLevel(colour.red), g = cubeLevel(colour.green), b = cubeLevel(colour.blue)
        let cube = RGB(UInt8(levels[r]), UInt8(levels[g]), UInt8(levels[b]))
        let average = (Int(colour.red) + Int(colour.green) + Int(colour.blue)) / 3
        let greyStep = min(max((average - 8 + 5) / 10, 0), 23)
        let greyValue = UInt8(8 + 10 * greyStep)
        let grey = RGB(greyValue, greyValue, greyValue)
        if squaredDistance(colour, grey) < squaredDistance(colour, cube) { return 232 + greyStep }
        return 16 + 36 * r + 6 * g + b
    }

    static func squaredDistance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.red) - Int(b.red), dg = Int(a.green) - Int(b.green), db = Int(a.blue) - Int(b.blue)
        return dr * dr + dg * dg + db * db
    }
}
