// The errors the engine reports to callers; each carries a one-line reason for the user.

/// An engine failure with a message meant for the person at the terminal.
public enum RecurError: Error, Equatable, CustomStringConvertible {
    case invalidArgument(String)
    case invalidCorpus(String)
    case invalidCheckpoint(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidArgument(let reason), .invalidCorpus(let reason),
             .invalidCheckpoint(let reason), .io(let reason):
            reason
        }
    }
}
