// The last line of defence for the terminal: the tty settings saved before ncurses
// starts, put back by fatal-signal handlers (a crash must not leave the terminal raw).
import Foundation

/// Saves the terminal's settings and restores them on crashes.
enum TerminalGuard {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false

    /// Every catchable signal whose default action ends the process, except those the
    /// workbench handles itself (SIGINT, SIGTERM and SIGHUP quit through the event loop;
    /// SIGPIPE is ignored by the command line). `kill -USR1` must not leave a raw terminal.
    static var fatalSignals: [Int32] {
        var numbers = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT, SIGSYS,
                       SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ]
        #if os(Linux)
        numbers += [SIGSTKFLT, SIGPWR, SIGIO]
        #endif
        return numbers
    }

    /// Saves the current tty settings and installs handlers for fatal signals that put
    /// them back, leave the alternate screen, show the cursor, then re-raise.
    static func install() {
        guard !hasSaved, tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        hasSaved = true
        for fatal in fatalSignals {
            signal(fatal) { number in
                TerminalGuard.restoreCookedMode()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// Async-signal-safe: tcsetattr and write only.
    static func restoreCookedMode() {
        guard hasSaved else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        let reset: StaticString = "\u{1B}[?1002l\u{1B}[?1000l\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m"
        _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
    }
}
