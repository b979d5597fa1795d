// The closed set of things that can happen to the workbench, and the effects that
// `update` asks the outside world to perform.
import RecurEngine
import TerminalKit

/// An input to `update`.
public enum Msg {
    case key(Key)
    case resize(Size)
    case snapshot(TrainingSnapshot)
    case sampleReady(text: String, temperature: Double, weightsVersion: Int)
    case neighboursReady(query: Int32, neighbours: [Neighbour], weightsVersion: Int)
    /// Ctrl-C, SIGTERM or the terminal going away.
    case quitRequested
}

/// Work `update` asks for; the app performs it and may answer with further messages.
public enum Effect: Equatable {
    case session(SessionCommand)
    case drawSample(temperature: Double)
    case findNeighbours(query: Int32)
    case quit
}
