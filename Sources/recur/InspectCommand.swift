// `recur inspect`: what a checkpoint holds (config, vocabulary, parameters, progress).
import ArgumentParser
import Foundation
import RecurEngine

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a checkpoint: config, vocabulary, parameters, progress.")

    @Argument(help: "The checkpoint file.") var path: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let stored = try Checkpoint.read(from: path, trainingState: false)
        let config = stored.config
        let progress = stored.progress
        if json {
            var record: [String: Any] = [
                "level": config.level.rawValue, "cell": config.cell.rawValue, "activation": config.activation.rawValue,
                "vocab_size": config.vocabSize, "embed": config.embed, "hidden": config.hidden, "layers": config.layers,
                "seq": config.seq, "batch": config.batch, "dropout": config.dropout, "parameters": stored.model.parameterCount,
                "softmax": config.softmax.rawValue, "norm": config.norm.rawValue,
            ]
            if config.softmax == .adaptive {
                record["cutoffs"] = config.cutoffs
                record["div_value"] = config.divValue
            }
            if let maxVocab = config.maxVocab { record["max_vocab"] = maxVocab }
            if let progress {
                record["step"] = progress.step
                record["tokens"] = progress.tokens
                record["optimizer"] = progress.optimizer.kind.rawValue
                record["learning_rate"] = progress.optimizer.learningRate
                if let loss = progress.validationLoss { record["val_loss"] = loss }
            }
            let history = stored.history
            if let last = history.lastValidation { record["last_val_loss"] = last.loss; record["last_val_step"] = last.step }
            if let best = history.bestValidation { record["best_val_loss"] = best }
            record["elapsed_seconds"] = history.elapsed
            record["history_points"] = history.train.count
            print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        let cell = config.cell == .rnn ? "RNN (\(config.activation.rawValue))" : config.cell.rawValue.uppercased()
        print("model       \(cell), \(config.layers) layer(s) of \(config.hidden), embedding \(config.embed), dropout \(config.dropout)"
              + (config.norm == .layer ? ", layer norm" : ""))
        print("vocabulary  \(config.vocabSize) \(config.level == .char ? "characters" : "words")" + (config.maxVocab.map { " (--max-vocab \($0))" } ?? ""))
        print("output      " + (config.softmax == .adaptive
            ? "adaptive softmax, cutoffs \(config.cutoffs.map(String.init).joined(separator: ",")), div_value \(config.divValue)"
            : "full softmax" + (config.tieWeights ? ", tied to the embedding" : "")))
        print("parameters  \(stored.model.parameterCount)")
        print("chunks      \(config.seq) steps × \(config.batch) streams")
        if let progress {
            print("progress    step \(progress.step), \(progress.tokens) tokens, \(progress.optimizer.kind.rawValue) lr \(progress.optimizer.learningRate)")
            let history = stored.history
            if let last = history.lastValidation, let best = history.bestValidation {
                print(String(format: "val loss    last %.4f at step %d, best %.4f (%@)", last.loss, last.step, best,
                             config.level.describe(nats: best) as NSString))
            } else {
                print("val loss    \(progress.validationLoss.map { String(format: "%.4f", $0) } ?? "not evaluated")")
            }
            if history.elapsed > 0 || !history.train.isEmpty {
                print(String(format: "history     %d loss points, %.0f s of training", history.train.count, history.elapsed))
            }
        } else {
            print("progress    weights only")
        }
    }
}
