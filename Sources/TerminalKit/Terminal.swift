// What the application needs from a terminal. NcursesTerminal is the real one; tests use
// the Canvas directly and never open a terminal.

/// A screen that shows canvases and produces key presses.
@MainActor
public protocol Terminal: AnyObject {
    /// The current size in cells.
    var size: Size { get }
    /// Shows `canvas`, writing only the cells that changed since the last call.
    func present(_ canvas: Canvas)
    /// Key presses waiting on input, without blocking.
    func readKeys() -> [Key]
    /// Re-reads the window size after SIGWINCH; the next `present` repaints everything.
    func handleResize()
    /// Leaves the terminal as it was before (for Ctrl-Z and on exit).
    func suspend()
    /// Takes the terminal back after `suspend`; the next `present` repaints everything.
    func resume()
    /// Restores the terminal for good. Safe to call more than once.
    func restore()
}
