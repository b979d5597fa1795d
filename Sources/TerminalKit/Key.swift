// Keys as the application sees them, independent of ncurses' codes.

/// A key press.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Ctrl plus a letter, for letters the terminal does not turn into signals.
    case control(Character)
}
