// `recur sample`: text from a checkpoint, streamed to stdout as it is drawn.
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
