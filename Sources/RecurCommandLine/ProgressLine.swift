// A progress line on stderr for work a user waits for: rewritten in place on a terminal,
// a line of its own otherwise, so that a log file gets a few lines, not thousands. The
// one owner of that choice for every headless command.
import Foundation
import RecurEngine

public enum ProgressLine {
    /// Whether stderr is a terminal, where a progress line is rewritten in place.
    static var interactive: Bool { isatty(STDERR_FILENO) == 1 }

    /// A reporter of the fraction done (0…1) that prints `text(percent)` when the shown
    /// percentage changes: every percent on a terminal, every quarter otherwise.
    public static func reporter(_ text: @escaping (Int) -> String) -> (Double) -> Void {
        let interactive = self.interactive
        let step = interactive ? 1 : 25
        var shown = -1
        return { fraction in
            let percent = Int(fraction * 100)
            guard percent / step != shown / step else { return }
            shown = percent
            let line = text(percent)
            Console.error(interactive ? "\r\u{1B}[K" + line + (percent >= 100 ? "\n" : "") : line + "\n")
        }
    }

    /// A progress line shown now and then while a run trains: on a terminal at most every
    /// `interactiveInterval` seconds, rewritten in place, otherwise a line every
    /// `plainInterval` seconds; and lines that stay (`say`) between them.
    struct Live {
        let interactive = ProgressLine.interactive
        private let interval: TimeInterval
        private var lastShown = Date.distantPast

        init(interactiveInterval: TimeInterval, plainInterval: TimeInterval = 5) {
            interval = interactive ? interactiveInterval : plainInterval
        }

        /// Shows `line()` if the interval has passed since the last one, or when `force`.
        mutating func show(force: Bool = false, _ line: () -> String) {
            let now = Date()
            guard force || now.timeIntervalSince(lastShown) >= interval else { return }
            lastShown = now
            Console.error(interactive ? "\r\u{1B}[K" + line() : line() + "\n")
        }

        /// A line that stays, in place of the progress line on a terminal.
        func say(_ line: String) {
            Console.error((interactive ? "\r\u{1B}[K" : "") + line + "\n")
        }

        /// Ends the rewritten line, so that what follows starts on a line of its own.
        func finish() {
            if interactive { Console.error("\n") }
        }
    }

    /// For a corpus file over 16 MB, a reporter of how much of it has been read, counted
    /// (#20: the whole load, never a bar stuck while the vocabulary is built); nil for a
    /// smaller file, which loads in a blink.
    public static func corpusReader(path: String) -> ((Double) -> Void)? {
        var info = stat()  // the file a symbolic link names, not the link
        let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
        guard size > 16 << 20 else { return nil }
        let name = URL(fileURLWithPath: path).lastPathComponent
        return reporter { "reading \(name) (\(size >> 20) MB): \($0)%" }
    }
}
