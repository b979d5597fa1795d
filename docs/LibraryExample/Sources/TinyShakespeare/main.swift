// Trains a character-level LSTM on a short text for 100 steps with RecurEngine, then
// samples from it: the smallest complete use of Recur as a library.
import Foundation
import RecurEngine

let text = String(repeating: """
    To be, or not to be, that is the question:
    Whether 'tis nobler in the mind to suffer
    The slings and arrows of outrageous fortune,
    Or to take arms against a sea of troubles
    And by opposing end them.

    """, count: 40)

// Characters become token ids; the vocabulary is every character of the text.
let corpus = Corpus(text: text, level: .char)
let modelConfig = ModelConfig(cell: .lstm, vocabularySize: corpus.vocabulary.count, embed: 32, hidden: 128)
try modelConfig.validate()
var random = RandomGenerator(seed: 1)
let model = LanguageModel(config: modelConfig, random: &random)

// 16 streams of 32-character chunks, Adam at 0.01.
let trainingConfig = TrainingConfig(sequenceLength: 32, batch: 16,
                                    optimizer: OptimizerSettings(kind: .adam, learningRate: 0.01))
try trainingConfig.validate()
let trainer = try Trainer(model: model, corpus: corpus, config: trainingConfig)
var first = 0.0, last = 0.0
for step in 1...100 {
    let result = trainer.trainStep()
    if step == 1 { first = result.loss }
    last = result.loss
    if step % 25 == 0 { print("step \(step): loss \(String(format: "%.3f", result.loss)) nats/char") }
}
print("kernels: \(Gemm.kernelPath); loss \(String(format: "%.3f", first)) → \(String(format: "%.3f", last))")

// Sample 200 characters after the prime "To be", at temperature 0.5.
let sampler = Sampler(model: model)
let prime = corpus.vocabulary.ids(of: "To be").ids
var sample = "To be"
sampler.stream(prime: prime, length: 200, settings: SamplingSettings(temperature: 0.5),
               random: &random) { token in
    sample += corpus.vocabulary.tokens[Int(token)]
}
print(sample)
