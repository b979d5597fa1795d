// The reducer's text entry: typing a query, a prime, a temperature, top-k or top-p,
// Tab completion in the query, and checking what was typed when Enter commits it.
import Foundation
import RecurEngine
import TerminalKit

func handleEntry(_ state: inout AppState, _ key: Key) -> [Effect] {
    guard let entry = state.entry else { return [] }
    var text = entry.text
    if key != .tab { state.completion = nil }
    switch key {
    case .escape:
        state.entry = nil
        return []
    case .backspace:
        if !text.isEmpty { text.removeLast() }
    case .character(let character):
        if text.count < 200 { text.append(character) }
    case .tab:
        guard case .neighbourQuery = entry, let vocabulary = state.vocabulary else { return [] }
        text = complete(text, in: vocabulary, completion: &state.completion)
        if state.completion == nil { state.notice = "no word in the vocabulary begins with that" }
    case .enter:
        state.entry = nil
        return commit(entry: entry, text: text, state: &state)
    default:
        return []
    }
    state.entry = entry.with(text)
    return []
}

/// Tab in a query: the first time, the vocabulary entries that begin with the last term
/// (up to 8, in vocabulary order: most frequent first at word level) and the first of
/// them; again, the next one, cycling. `completion` remembers the candidates.
func complete(_ text: String, in vocabulary: Vocabulary, completion: inout Completion?) -> String {
    if var current = completion, current.candidates.indices.contains(current.index),
       text == current.head + current.candidates[current.index] {
        current.index = (current.index + 1) % current.candidates.count
        completion = current
        return current.head + current.candidates[current.index]
    }
    let (head, last) = splitLastTerm(text)
    let candidates = last.isEmpty ? [] : Array(vocabulary.tokens.lazy.filter { $0.hasPrefix(last) && $0 != last }.prefix(8))
    guard !candidates.isEmpty else {
        completion = nil
        return text
    }
    completion = Completion(head: head, candidates: candidates, index: 0)
    return head + candidates[0]
}

private func splitLastTerm(_ text: String) -> (head: String, last: String) {
    guard let space = text.lastIndex(of: " ") else { return ("", text) }
    return (String(text[...space]), String(text[text.index(after: space)...]))
}

private func commit(entry: TextEntry, text: String, state: inout AppState) -> [Effect] {
    switch entry {
    case .temperature:
        // A typed value out of range is an error, never silently clamped.
        let range = AppState.temperatureRange
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            state.notice = String(format: "temperature must be a number from %.2f to %.2f (got %@)", range.lowerBound, range.upperBound, text)
            return []
        }
        return setTemperature(&state, value)
    case .topK:
        let size = state.vocabulary?.count ?? Int.max
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0, value <= size else {
            state.notice = "top-k must be a whole number from 0 (off) to \(size) (got \(text))"
            return []
        }
        state.sample.topK = value
        return drawSample(&state)
    case .topP:
        guard let value = Float(text.trimmingCharacters(in: .whitespaces)), value > 0, value <= 1 else {
            state.notice = "top-p must be a number in (0, 1], 1 is off (got \(text))"
            return []
        }
        state.sample.topP = value
        return drawSample(&state)
    case .prime:
        guard let vocabulary = state.vocabulary else { return [] }
        let unknown = unknownTokens(text, vocabulary: vocabulary)
        guard unknown.isEmpty else {
            state.notice = "the prime has tokens outside the vocabulary: \(unknown.prefix(5).map { $0.debugDescription }.joined(separator: ", "))"
            return []
        }
        state.sample.prime = text
        return drawSample(&state)
    case .neighbourQuery:
        guard let vocabulary = state.vocabulary else { return [] }
        switch parseQuery(text, vocabulary: vocabulary) {
        case .success(let (positive, negative)):
            return setQuery(&state, positive: positive, negative: negative)
        case .failure(let error):
            state.notice = error.description
            return []
        }
    }
}

func unknownTokens(_ text: String, vocabulary: Vocabulary) -> [String] {
    vocabulary.ids(of: text).unknown
}

/// "fox" → one positive term; "king - man + woman" → positive [king, woman], negative [man].
func parseQuery(_ text: String, vocabulary: Vocabulary) -> Result<([Int32], [Int32]), RecurError> {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    // A single token, looked up as typed (so a char model's " " or "-" works too).
    if let id = vocabulary.id(of: text) ?? vocabulary.id(of: trimmed) { return .success(([id], [])) }
    var positive: [Int32] = [], negative: [Int32] = []
    var sign = 1
    for term in trimmed.split(separator: " ").map(String.init) {
        if term == "+" { sign = 1; continue }
        if term == "-" { sign = -1; continue }
        guard let id = vocabulary.id(of: term) else {
            return .failure(.invalidArgument("'\(term)' is not in the vocabulary"))
        }
        if sign > 0 { positive.append(id) } else { negative.append(id) }
        sign = 1
    }
    guard !positive.isEmpty || !negative.isEmpty else { return .failure(.invalidArgument("type a token, or an analogy like a - b + c")) }
    return .success((positive, negative))
}
