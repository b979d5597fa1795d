// Colours by semantic role, read from commented text files under themes/. A theme names
// 24-bit colours; the terminal maps them to what it can show (256, 16 or 8 colours, or
// none under NO_COLOR or on a monochrome terminal).
import Foundation

/// An RGB colour.
struct RGB: Hashable, Sendable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8

    init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Parses `#rrggbb`.
    init?(hex: String) {
        guard hex.hasPrefix("#"), hex.count == 7, let value = UInt32(hex.dropFirst(), radix: 16) else { return nil }
        self.init(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }
}

/// How one role looks.
struct CellStyle: Hashable, Sendable {
    var foreground: RGB?
    var background: RGB?
    var bold = false
    var dim = false
    var reverse = false
    var underline = false

    init(foreground: RGB? = nil, background: RGB? = nil, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }
}

/// A failure to read a theme, with the line at fault.
public struct ThemeError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(description: String) { self.description = description }
}

/// A role → style table.
public struct Theme: Sendable, Equatable {
    public let name: String
    private var styles: [StyleRole: CellStyle]

    func style(for role: StyleRole) -> CellStyle { styles[role] ?? CellStyle() }

    /// Parses a theme file. Each line is `role  option…` where options are `fg=#rrggbb`,
    /// `bg=#rrggbb`, `bold`, `dim`, `reverse`, `underline`; `#` starts a comment when it
    /// opens the line. Every role must be given, so a typo cannot go unnoticed.
    public init(name: String, text: String) throws {
        self.name = name
        var styles: [StyleRole: CellStyle] = [:]
        let roles = Dictionary(uniqueKeysWithValues: StyleRole.all.map { ($0.themeKey, $0) })
        // Lines end at \n, \r\n or \r (a Swift Character holds \r\n as one), after an
        // optional byte-order mark, as every text file Recur reads.
        let body = text.unicodeScalars.first == "\u{FEFF}" ? text.dropFirst() : Substring(text)
        for (number, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words: [String] = line.split(whereSeparator: \.isWhitespace).map { String($0) }
            guard let role = roles[words[0]] else {
                throw ThemeError(description: "theme \(name), line \(number + 1): unknown role '\(words[0])'")
            }
            var style = CellStyle()
            for option in words.dropFirst() {
                switch option {
                case "bold": style.bold = true
                case "dim": style.dim = true
                case "reverse": style.reverse = true
                case "underline": style.underline = true
                default:
                    let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, parts[0] == "fg" || parts[0] == "bg" else {
                        throw ThemeError(description: "theme \(name), line \(number + 1): unknown option '\(option)'")
                    }
                    guard let colour = RGB(hex: parts[1]) else {
                        throw ThemeError(description: "theme \(name), line \(number + 1): '\(parts[1])' is not a #rrggbb colour")
                    }
                    if parts[0] == "fg" { style.foreground = colour } else { style.background = colour }
                }
            }
            styles[role] = style
        }
        let missing = StyleRole.all.filter { styles[$0] == nil }.map(\.themeKey)
        guard missing.isEmpty else {
            throw ThemeError(description: "theme \(name) does not define: \(missing.joined(separator: ", "))")
        }
        self.styles = styles
    }

    /// A theme with no colours, only attributes: what NO_COLOR asks for.
    public static let monochrome: Theme = {
        var styles: [StyleRole: CellStyle] = [:]
        for role in StyleRole.all { styles[role] = CellStyle() }
        styles[.title] = CellStyle(bold: true)
        styles[.focusedBorder] = CellStyle(bold: true)
        styles[.selection] = CellStyle(reverse: true)
        styles[.status] = CellStyle(reverse: true)
        styles[.statusRunning] = CellStyle(bold: true, reverse: true)
        styles[.statusPaused] = CellStyle(bold: true, reverse: true)
        styles[.warning] = CellStyle(bold: true)
        styles[.muted] = CellStyle(dim: true)
        styles[.validationLoss] = CellStyle(bold: true)
        styles[.sliderKnob] = CellStyle(bold: true)
        return Theme(name: "monochrome", styles: styles)
    }()

    private init(name: String, styles: [StyleRole: CellStyle]) {
        self.name = name
        self.styles = styles
    }

    /// The same theme with every colour removed (attributes kept), for NO_COLOR.
    public func withoutColour() -> Theme {
        Theme(name: name, styles: styles.mapValues {
            var style = $0
            style.foreground = nil
            style.background = nil
            return style
        })
    }
}
