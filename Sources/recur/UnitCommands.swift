// `recur cells`, `recur match`, `recur explain`: what the units of a trained model do,
// measured on text (the engine's Introspection does the work; these parse and print).
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine

/// "WHAT: N% of T tokens" on stderr for texts long enough to wait for; never cancels.
private func progressLine(_ what: String, tokens: Int) -> (Double) -> Bool {
    guard tokens >= 200_000 else { return { _ in true } }
    let report = ProgressLine.reporter { "\(what): \($0)% of \(tokens) tokens" }
    return { report($0); return true }
}

struct CellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cells",
        abstract: "Find interpretable units: each unit's correlation with annotation tracks of the text.",
        discussion: """
        Runs the model over the validation text (the corpus's last 10%) as one stream from a zero state and, for every layer, signal (h; c and the gates i f g o for an LSTM; the gates r z n for a GRU) and unit, computes Pearson's r with every annotation track; lists them by |r|. A track's value at token t describes the text up to and including t. Char-level tracks: quote (1 inside double quotes), bracket (depth of open ( [ {), line_position (characters since the line began), in_word (1 on a letter or digit). Word-level: quote, bracket, line_position (words since the line began), punctuation, capitalised. After Karpathy, Johnson & Fei-Fei, "Visualizing and Understanding Recurrent Networks" (2015).
        """)

    @Option(help: "The checkpoint to examine.") var checkpoint: String
    @Option(help: "The text file; its last 10% is the text the units are measured on.") var corpus: String
    @Option(parsing: .unconditional, help: "How many units to list.") var top = 20
    @Option(help: "List only this track's units.") var track: String?
    @Flag(help: "Print {\"cells\": [{\"layer\", \"signal\", \"unit\", \"track\", \"r\"}, …], \"tokens\", \"constant_tracks\"}.") var json = false

    func run() throws {
        guard top >= 1 else { throw RecurError.invalidArgument("--top must be at least 1 (got \(top))") }
        let input = try CheckpointText(checkpoint: checkpoint, corpus: corpus)
        let names = AnnotationTrack.all(tokens: [], level: input.stored.config.level).map(\.name)
        if let track, !names.contains(track) {
            throw RecurError.invalidArgument("--track must be one of \(names.joined(separator: ", ")) at \(input.stored.config.level.rawValue) level (got \(track))")
        }
        let report = CellFinder.correlate(model: input.stored.model, ids: input.validation, preceding: input.preceding,
                                          vocabulary: input.stored.vocabulary,
                                          progress: progressLine("measuring units", tokens: input.validation.count))!
        let cells = report.top(top, track: track)
        if json {
            try printJSON(["cells": cells.map { ["layer": $0.layer, "signal": $0.signal.description, "unit": $0.unit, "track": $0.track, "r": $0.r] },
                           "tokens": report.tokens, "constant_tracks": report.constantTracks])
            return
        }
        print("units by |r| with annotation tracks over \(report.tokens) validation tokens")
        print("layer  signal  unit  track          r")
        for cell in cells {
            let signal = cell.signal.description.padding(toLength: 6, withPad: " ", startingAt: 0)
            let track = cell.track.padding(toLength: 13, withPad: " ", startingAt: 0)
            print(String(format: "%5d  ", cell.layer) + signal + String(format: "  %4d  ", cell.unit) + track + String(format: "  %+.3f", cell.r))
        }
        for name in report.constantTracks where track == nil || track == name {
            print("\(name): constant over this text, so no correlation is defined")
        }
    }
}

struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Find spans of the validation text where the same units are on as over a given span.",
        discussion: """
        The span is found in the validation text (its first occurrence) and the model is run over that text as one stream from a zero state. The units of the chosen layer and signal whose activation is above --threshold at every token of the span form the pattern P. Every other span S of the same length is scored as LSTMVis (Strobelt et al. 2017) ranks matches, rewarding shared on-units and penalising extra ones: score = (|P ∩ S| − |S \\ P|) / |P|, where S is the set of units on over the whole span; 1 means exactly the pattern. Overlapping matches are left out.
        """)

    @Option(help: "The checkpoint to examine.") var checkpoint: String
    @Option(help: "The text file; its last 10% is searched.") var corpus: String
    @Option(help: "The span to match: text that occurs in the validation text.") var span: String
    @Option(parsing: .unconditional, help: "A unit is on where its activation is above this. (default: 0.3 for h, c, g and n; 0.5 for the sigmoid gates)") var threshold: Float?
    @Option(parsing: .unconditional, help: "Layer, from 1. (default: the last)") var layer: Int?
    @Option(help: "Signal: h, c (LSTM) or a gate letter (i f g o, r z n).") var signal = "h"
    @Option(parsing: .unconditional, help: "How many matches to list.") var top = 10
    @Option(parsing: .unconditional, help: "Tokens of context shown on each side.") var context = 20
    @Flag(help: "Print {\"span\": {…}, \"pattern_units\": […], \"matches\": [{\"start\", \"text\", \"context\", \"score\"}, …]}.") var json = false

    func run() throws {
        guard top >= 1 else { throw RecurError.invalidArgument("--top must be at least 1 (got \(top))") }
        guard context >= 0 && context <= 1000 else { throw RecurError.invalidArgument("--context must be from 0 to 1000 (got \(context))") }
        if let threshold, !threshold.isFinite { throw RecurError.invalidArgument("--threshold must be a number (got \(threshold))") }
        let input = try CheckpointText(checkpoint: checkpoint, corpus: corpus)
        let config = input.stored.config, vocabulary = input.stored.vocabulary
        let chosenLayer = layer ?? config.layers
        guard chosenLayer >= 1 && chosenLayer <= config.layers else {
            throw RecurError.invalidArgument("--layer must be from 1 to \(config.layers) (got \(chosenLayer))")
        }
        guard let probeSignal = ProbeSignal(name: signal, cell: config.cell) else {
            let names = ProbeSignal.available(for: config.cell).map(\.description).joined(separator: ", ")
            throw RecurError.invalidArgument("--signal must be one of \(names) for a \(config.cell.rawValue) (got \(signal))")
        }
        let (spanIDs, unknown) = vocabulary.ids(of: span)
        guard unknown.isEmpty else { throw RecurError.invalidArgument("--span has tokens the model does not know: \(unknown.map(\.debugDescription).joined(separator: " "))") }
        guard !spanIDs.isEmpty else { throw RecurError.invalidArgument("--span is empty") }
        // Each candidate span is intersected token by token: a long span makes it slow.
        guard spanIDs.count <= 500 else { throw RecurError.invalidArgument("--span has \(spanIDs.count) tokens; match takes at most 500") }
        guard let start = input.validation.firstOccurrence(of: spanIDs) else {
            throw RecurError.invalidArgument("--span \(span.debugDescription) does not occur in the validation text (the last 10% of \(corpus))")
        }
        let settings = SpanMatchSettings(layer: chosenLayer - 1, signal: probeSignal, threshold: threshold)
        let masks = OnUnitMasks(model: input.stored.model, ids: input.validation, settings: settings,
                                progress: progressLine("reading the units", tokens: input.validation.count))!
        let range = start..<start + spanIDs.count
        let pattern = masks.pattern(over: range)
        let patternUnits = (0..<config.hidden).filter { pattern[$0 / 64] & (1 << UInt64($0 % 64)) != 0 }
        guard !patternUnits.isEmpty else {
            throw RecurError.invalidArgument("no unit of layer \(chosenLayer) \(probeSignal) is above \(settings.threshold) over the whole span; lower --threshold")
        }
        let matches = masks.matches(of: range, count: top)
        let ids = input.validation
        if json {
            try printJSON([
                "span": ["start": start, "text": vocabulary.render(ids[range]), "length": spanIDs.count],
                "layer": chosenLayer, "signal": probeSignal.description, "threshold": Double(String(settings.threshold)) ?? 0,
                "pattern_units": patternUnits,
                "matches": matches.map { match -> [String: Any] in
                    let parts = vocabulary.render(match.start..<match.start + match.length, in: ids, context: context)
                    return ["start": match.start, "text": parts.span, "context": parts.before + "[" + parts.span + "]" + parts.after,
                            "score": match.score, "shared_units": match.shared]
                },
            ])
            return
        }
        print("span at token \(start): \(vocabulary.render(ids[range]).debugDescription); \(patternUnits.count) unit(s) of layer \(chosenLayer) \(probeSignal) above \(settings.threshold) throughout")
        print("score = (shared on-units − extra on-units) / \(patternUnits.count)")
        for match in matches {
            let parts = vocabulary.render(match.start..<match.start + match.length, in: ids, context: context)
            let shown = (parts.before + "[" + parts.span + "]" + parts.after).replacingOccurrences(of: "\n", with: "⏎")
            print(String(format: "%+.3f  %7d  ", match.score, match.start) + shown)
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Saliency: how much each token of a text matters to the next prediction.",
        discussion: "Runs the model over --text from a zero state and, for the next token (the most probable one, or --token), prints the L2 norm of the gradient of its log-probability with respect to each input token's embedding vector. Larger means that token's embedding moves the prediction more.")

    @Option(help: "The checkpoint to explain.") var checkpoint: String
    @Option(help: "The text the model reads.") var text: String
    @Option(help: "The next token to explain (default: the most probable one).") var token: String?
    @Flag(help: "Print {\"next_token_id\", \"next_token\", \"probability\", \"saliency\": [{\"token\", \"score\"}, …]}.") var json = false

    func run() throws {
        let stored = try Checkpoint.read(from: checkpoint, trainingState: false)
        let vocabulary = stored.vocabulary
        let (ids, unknown) = vocabulary.ids(of: text)
        guard unknown.isEmpty else { throw RecurError.invalidArgument("--text has tokens the model does not know: \(unknown.map(\.debugDescription).joined(separator: " "))") }
        guard !ids.isEmpty else { throw RecurError.invalidArgument("--text is empty") }
        let limit = Saliency.maximumTokens(vocabularySize: vocabulary.count)
        guard ids.count <= limit else { throw RecurError.invalidArgument("--text has \(ids.count) tokens; explain reads at most \(limit) with this vocabulary") }
        var target: Int32?
        if let token {
            let wanted = vocabulary.tokenize(token)
            guard wanted.count == 1, let id = vocabulary.id(of: wanted[0]) else {
                throw RecurError.invalidArgument("--token must be one token of the model's vocabulary (got \(token.debugDescription))")
            }
            target = id
        }
        let saliency = Saliency(model: stored.model, ids: ids, vocabulary: vocabulary, target: target)
        let next = vocabulary.tokens[Int(saliency.nextToken)]
        if json {
            try printJSON(["next_token_id": Int(saliency.nextToken), "next_token": next, "probability": saliency.probability,
                           "saliency": zip(saliency.tokens, saliency.scores).map { ["token": $0, "score": $1] }])
            return
        }
        print(String(format: "next token %@ (p = %.4f); saliency ‖∂ log p / ∂ embedding‖ per input token:", next.debugDescription as NSString, saliency.probability))
        let largest = saliency.scores.max() ?? 0
        for (token, score) in zip(saliency.tokens, saliency.scores) {
            let bar = largest > 0 ? String(repeating: "█", count: Int((30 * score / largest).rounded())) : ""
            print(token.debugDescription.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: " %.4e  ", score) + bar)
        }
    }
}
