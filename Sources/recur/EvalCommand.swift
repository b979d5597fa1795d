// `recur eval`: a checkpoint's validation loss on a corpus, and the n-gram floors to beat.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Validation loss of a checkpoint on a corpus's last 10%.",
        discussion: "Mean cross-entropy in nats per token over the validation text, cut into the checkpoint's batch of streams and run chunk by chunk from a zero state with the state carried; also in bits per token and as perplexity. --baselines adds the floors to beat: interpolated Kneser–Ney n-gram models (n = 1…5) fitted on the first 90% and scored on exactly the tokens the network predicts.")

    @Option(help: "The checkpoint to evaluate.")
    var checkpoint: String
    @Option(help: "The text file; its last 10% is the validation text.")
    var corpus: String
    @Flag(help: "Also score n-gram models (n = 1…5) on the same tokens: the floors the network should beat.")
    var baselines = false
    @Flag(help: "Print one JSON object: val_loss, bits_per_token, perplexity (and baselines).")
    var json = false

    func run() throws {
        let result = try EvalRun(checkpoint: checkpoint, corpus: corpus, baselines: baselines)
        if json {
            var record: [String: Any] = lossFigures(nats: result.loss)
            if baselines { record["baselines"] = Dictionary(uniqueKeysWithValues: result.floors.map { (String($0.key), $0.value) }) }
            print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print(String(format: "validation loss %.6f nats/token (%@, perplexity %.3f) over %d tokens", result.loss,
                     String(format: "%.4f bits/token", result.loss / log(2)) as NSString, exp(result.loss), result.tokens))
        if let counted = result.floorTrainingTokens {
            print("(the n-gram counts come from the first \(counted.used) of \(counted.of) training tokens)")
        }
        for order in result.floors.keys.sorted() {
            let floor = result.floors[order]!
            print(String(format: "%d-gram floor  %.6f nats/token (%@)%@", order, floor, result.level.describe(nats: floor) as NSString,
                         (floor <= result.loss ? "  — the network has not beaten it yet" : "") as NSString))
        }
    }
}
