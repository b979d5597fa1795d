// `recur sample` and `recur inspect`: reading checkpoints.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate text from a checkpoint, streamed as it is drawn.",
        discussion: "Each token is drawn from softmax(logits / T), optionally cut to the k most likely tokens (--top-k) or to the smallest set whose probability reaches p (--top-p). The same seed gives the same text.")

    @Option(help: "The checkpoint to sample from.") var checkpoint: String
    @Option(parsing: .unconditional, help: "Temperature T in softmax(z/T); 0 picks the most likely token every time.") var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Keep only the k most likely tokens (0: all).") var topK = 0
    @Option(name: .customLong("top-p"), parsing: .unconditional, help: "Keep the most likely tokens whose probability reaches p (1: all).") var topP: Float = 1
    @Option(help: "Text to start from; its tokens are fed through the model first.") var prime: String?
    @Option(name: .customLong("prime-file"), help: "Read the prime text from a file.") var primeFile: String?
    @Option(parsing: .unconditional, help: "Tokens to generate.") var length = 500
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Flag(name: .customLong("skip-unknown"), help: "Drop prime tokens the model does not know instead of failing.") var skipUnknown = false

    func run() throws {
        guard prime == nil || primeFile == nil else { throw RecurError.invalidArgument("--prime and --prime-file exclude each other") }
        let settings = SamplingSettings(temperature: temperature, topK: topK, topP: topP)
        try settings.validate()
        let primeText = try primeFile.map { try Corpus.readText(at: $0, what: "prime file") } ?? prime
        let stored = try Checkpoint.read(from: checkpoint, trainingState: false)
        try SampleRun(checkpoint: stored, settings: settings, prime: primeText, length: length, seed: seed,
                      skipUnknown: skipUnknown).run { text in
            try Console.output(text)
        }
    }
}

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
