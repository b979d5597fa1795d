// Standard output and standard error without traps: FileHandle.write(_:) stops the
// process when a write fails (stdout closed, a pipe whose reader left, a full disk), so
// every command writes through here instead.
import Foundation

/// Writes to the standard streams with plain write(2).
public enum Console {
    /// Writes `text` to standard output, throwing when it cannot be written (EBADF, EPIPE,
    /// ENOSPC) so that the command ends with a one-line reason and a clean status.
    public static func output(_ text: String) throws {
        if let problem = OutputFile.writeAll(Data(text.utf8), to: STDOUT_FILENO) {
            throw RecurError.io("cannot write to standard output: \(problem)")
        }
    }

    /// Writes `text` to standard error. Progress and notices are not worth stopping work
    /// for: a failed write is dropped.
    public static func error(_ text: String) {
        _ = OutputFile.writeAll(Data(text.utf8), to: STDERR_FILENO)
    }
}
