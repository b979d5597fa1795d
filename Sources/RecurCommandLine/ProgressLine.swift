// A progress line on stderr for work a user waits for: rewritten in place on a terminal,
// one line per quarter otherwise (a log file gets four lines, not a hundred).
import Foundation
import RecurEngine

public enum ProgressLine {
    /// A reporter of the fraction done (0…1) that prints `text(percent)` when the shown
    /// percentage changes.
    public static func reporter(_ text: @escaping (Int) -> String) -> (Double) -> Void {
        let interactive = isatty(STDERR_FILENO) == 1
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

    /// For a corpus file over 16 MB, a reporter of how much of it has been read, counted
    /// (#20: the whole load, never a bar stuck while the vocabulary is built); nil for a
    /// smaller file, which loads in a blink.
    public static func corpusReader(path: String) -> ((Double) -> Void)? {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size > 16 << 20 else { return nil }
        let name = URL(fileURLWithPath: path).lastPathComponent
        return reporter { "reading \(name) (\(size >> 20) MB): \($0)%" }
    }
}
