// A text being typed into a pane (a query, a prime, a setting), and Tab completion.

/// A text being typed into a pane.
enum TextEntry: Equatable {
    case neighbourQuery(String)
    case prime(String)
    case temperature(String)
    case topK(String)
    case topP(String)

    var text: String {
        switch self {
        case .neighbourQuery(let text), .prime(let text), .temperature(let text), .topK(let text), .topP(let text): text
        }
    }

    /// The line a pane shows while the entry is typed.
    var prompt: String {
        switch self {
        case .neighbourQuery(let text): "/ \(text)"
        case .prime(let text): "prime: \(text)▏ Enter sets, Esc cancels"
        case .temperature(let text): "temperature = \(text)▏ Enter sets, Esc cancels"
        case .topK(let text): "top-k = \(text)▏ 0 is off · Enter sets, Esc cancels"
        case .topP(let text): "top-p = \(text)▏ 1 is off · Enter sets, Esc cancels"
        }
    }

    func with(_ text: String) -> TextEntry {
        switch self {
        case .neighbourQuery: .neighbourQuery(text)
        case .prime: .prime(text)
        case .temperature: .temperature(text)
        case .topK: .topK(text)
        case .topP: .topP(text)
        }
    }
}

/// Tab completion in the neighbour query: the candidates for the term being typed, and
/// which one the entry shows; Tab again shows the next.
struct Completion: Equatable {
    /// The query before the term being completed.
    var head: String
    var candidates: [String]
    var index: Int
}
