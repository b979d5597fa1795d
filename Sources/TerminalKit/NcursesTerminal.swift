// The only file that talks to ncurses. Every call happens on the main thread; failures
// of initialisation become thrown errors, and every exit path ends in `restore()`.
@preconcurrency import CNcurses
import Foundation

/// Failures of the terminal itself.
struct TerminalError: Error, CustomStringConvertible {
    let description: String
}

/// A full-screen ncursesw terminal with a colour pair per style role.
@MainActor
public final class NcursesTerminal: Terminal {
    public private(set) var size: Size
    private let theme: Theme
    private let depth: ColorDepth
    private var pairs: [StyleRole: (pair: Int16, attributes: attr_t)] = [:]
    private var previous: Canvas?
    private var active = true

    /// Throws unless stdin and stdout are a terminal whose type (TERM) is known and can
    /// place the cursor: ncurses would exit on an unknown type and draw nothing visible
    /// on TERM=dumb or a hard-copy terminal. Callers check before doing work that only
    /// makes sense with a screen.
    public nonisolated static func checkAvailable() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(description: "the workbench needs a terminal (stdin and stdout must be a TTY); use `recur train` for headless training")
        }
        let type = ProcessInfo.processInfo.environment["TERM"] ?? "unset"
        switch recur_terminal_can_address() {
        case 1: return
        case 0: throw TerminalError(description: "this terminal cannot draw the workbench (TERM=\(type) cannot move the cursor); use `recur train` for headless training")
        default: throw TerminalError(description: "cannot open the terminal: TERM=\(type) is unknown here (no terminfo entry); set TERM to your terminal's type, or use `recur train`")
        }
    }

    /// Opens the terminal in full-screen, unbuffered, no-echo mode; throws as
    /// `checkAvailable` does.
    public init(theme: Theme, colour: Bool) throws {
        try NcursesTerminal.checkAvailable()
        setlocale(LC_ALL, "")
        // Saved before ncurses touches the tty, so that a crash can put it back.
        TerminalGuard.install()
        // newterm, unlike initscr, returns nil for an unknown TERM instead of exiting.
        guard newterm(nil, stdout, stdin) != nil else {
            throw TerminalError(description: "cannot open the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset") is unknown?)")
        }
        cbreak()
        noecho()
        nonl()
        intrflush(recur_stdscr(), false)
        keypad(recur_stdscr(), true)
        nodelay(recur_stdscr(), true)
        // Without this a lone Esc waits a whole second for a possible escape sequence.
        set_escdelay(25)
        curs_set(0)
        recur_enable_mouse()
        var depth = ColorDepth.none
        if colour, has_colors() {
            start_color()
            use_default_colors()
            depth = ColorDepth(colorCount: Int(COLORS)).drawing(theme)
        }
        self.depth = depth
        self.theme = theme
        var rows: Int32 = 0, columns: Int32 = 0
        recur_getmaxyx(recur_stdscr(), &rows, &columns)
        size = Size(columns: Int(columns), rows: Int(rows))
        allocatePairs()
    }

    /// One colour pair per role, so drawing a cell is a table look-up.
    private func allocatePairs() {
        var next: Int16 = 1
        var byColours: [[Int32]: Int16] = [:]
        for role in StyleRole.all {
            let style = theme.style(for: role)
            var attributes = recur_attr_normal()
            if style.bold { attributes |= recur_attr_bold() }
            if style.dim { attributes |= recur_attr_dim() }
            if style.reverse { attributes |= recur_attr_reverse() }
            if style.underline { attributes |= recur_attr_underline() }
            var pair: Int16 = 0
            if depth != .none {
                let foreground = style.foreground.flatMap(depth.index).map(Int32.init) ?? -1
                let background = style.background.flatMap(depth.index).map(Int32.init) ?? -1
                if foreground != -1 || background != -1 {
                    if let existing = byColours[[foreground, background]] {
                        pair = existing
                    } else if Int32(next) < COLOR_PAIRS {
                        init_pair(next, Int16(foreground), Int16(background))
                        byColours[[foreground, background]] = next
                        pair = next
                        next += 1
                    }
                }
            }
            pairs[role] = (pair, attributes)
        }
    }

    public func present(_ canvas: Canvas) {
        guard active else { return }
        let fullRepaint = previous?.size != canvas.size
        if fullRepaint { erase() }
        for y in 0..<canvas.size.rows {
            for x in 0..<canvas.size.columns {
                let cell = canvas[x, y]
                // The right half of a wide character was drawn with its left half.
                if cell.scalar == Canvas.continuation { continue }
                if !fullRepaint, let previous, previous[x, y] == cell { continue }
                let look = pairs[cell.role] ?? (0, recur_attr_normal())
                // The bottom-right cell makes ncurses scroll on some terminals; it still
                // draws, but returns ERR, which is harmless.
                _ = recur_put_cell(Int32(y), Int32(x), wchar_t(truncatingIfNeeded: cell.scalar.value), look.attributes, look.pair)
            }
        }
        previous = canvas
        refresh()
    }

    public func readKeys() -> [Key] {
        guard active else { return [] }
        var keys: [Key] = []
        var value: wint_t = 0
        while true {
            let status = wget_wch(recur_stdscr(), &value)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                if Int32(value) == recur_key_mouse() {
                    var x: Int32 = 0, y: Int32 = 0
                    switch recur_read_mouse(&x, &y) {
                    case 1: keys.append(.mouse(MouseEvent(x: Int(x), y: Int(y), kind: .press)))
                    case 2: keys.append(.mouse(MouseEvent(x: Int(x), y: Int(y), kind: .release)))
                    case 3: keys.append(.mouse(MouseEvent(x: Int(x), y: Int(y), kind: .drag)))
                    default: break
                    }
                } else if let key = Self.functionKey(Int32(value)) {
                    keys.append(key)
                }
            } else if let key = Self.characterKey(UInt32(value)) {
                keys.append(key)
            }
        }
        return keys
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_BTAB: .backTab
        case KEY_F0 + 1...KEY_F0 + 12: .function(Int(code - KEY_F0))
        default: nil  // KEY_RESIZE is answered through SIGWINCH instead
        }
    }

    private static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    public func handleResize() {
        guard active else { return }
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        var rows: Int32 = 0, columns: Int32 = 0
        recur_getmaxyx(recur_stdscr(), &rows, &columns)
        size = Size(columns: Int(columns), rows: Int(rows))
        clearok(recur_stdscr(), true)
        previous = nil
    }

    public func suspend() {
        guard active else { return }
        recur_disable_mouse()
        // Without an alternate screen the frame would stay under what is printed next.
        if recur_has_alternate_screen() == 0 {
            erase()
            refresh()
        }
        endwin()
        TerminalGuard.restoreCookedMode()
    }

    public func resume() {
        guard active else { return }
        refresh()
        recur_enable_mouse()
        clearok(recur_stdscr(), true)
        previous = nil
    }

    public func restore() {
        guard active else { return }
        active = false
        recur_disable_mouse()
        // Without an alternate screen the frame would stay under what is printed next.
        if recur_has_alternate_screen() == 0 {
            erase()
            refresh()
        }
        endwin()
        TerminalGuard.restoreCookedMode()
    }
}
