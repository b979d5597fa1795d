// A Recur checkpoint: the model's tensors under PyTorch's names, plus everything an
// exact resume needs — optimizer moments (optim.*), the carried hidden state (state.*),
// step, tokens, data position, RNG — and the config and vocabulary as JSON metadata.
//
// The struct and how one is made from a trainer; writing (Checkpoint+Writing.swift), the
// trust boundary that reads a file (Checkpoint+Reading.swift) and continuing a run
// (Checkpoint+Resume.swift) are extensions, and the metadata types have files of their own.
import Foundation

/// Everything a checkpoint file holds.
public struct Checkpoint {
    public var config: CheckpointConfig
    public var vocabulary: Vocabulary
    public var model: LanguageModel
    public var progress: TrainingProgress?
    public var optimizerFirst: [Float]?
    public var optimizerSecond: [Float]?
    public var carriedState: [Float]?
    /// The run's curves, best validation loss, training time and last sample.
    public var history = RunHistory()
    /// The file it was read from ("" for one made in memory), for error messages.
    public var path = ""

    /// A checkpoint of a trainer's complete state.
    public init(trainer: Trainer, corpus: Corpus, lowercase: Bool, minCount: Int, validationLoss: Double?, embedInit: String? = nil,
                maxVocab: Int? = nil) {
        let model = trainer.model.config
        config = CheckpointConfig(level: corpus.vocabulary.level, cell: model.cell, activation: model.activation,
                                  vocabSize: model.vocabularySize, embed: model.embed, hidden: model.hidden,
                                  layers: model.layers, seq: trainer.config.sequenceLength, batch: trainer.config.batch,
                                  dropout: model.dropout, lowercase: lowercase, minCount: minCount,
                                  tieWeights: model.tieWeights, freezeEmbed: trainer.config.freezeEmbedding, embedInit: embedInit)
        config.softmax = model.softmax
        config.cutoffs = model.cutoffs
        config.divValue = model.divValue
        config.maxVocab = maxVocab
        config.norm = model.norm
        vocabulary = corpus.vocabulary
        self.model = trainer.model.copy()
        progress = TrainingProgress(
            step: trainer.step, tokens: trainer.tokensSeen, position: trainer.position,
            optimizer: trainer.optimizer.settings, optimizerSteps: trainer.optimizer.stepCount,
            clip: trainer.config.clip, seed: trainer.config.seed,
            random: trainer.random.stateWords.map { String($0) },
            corpusTokens: corpus.ids.count, corpusHash: Checkpoint.hash(corpus.ids), validationLoss: validationLoss,
            schedule: trainer.config.schedule, plateau: trainer.plateau)
        optimizerFirst = trainer.optimizer.first.array
        optimizerSecond = trainer.optimizer.second.array
        carriedState = trainer.carriedState
        history = trainer.history
    }

    /// FNV-1a over the token ids, as 16 hex digits: tells whether a resume sees the same text.
    public static func hash(_ ids: some Sequence<Int32>) -> String {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids {
            var word = UInt32(bitPattern: id)
            for _ in 0..<4 {
                value = (value ^ UInt64(word & 0xFF)) &* 0x0000_0100_0000_01B3
                word >>= 8
            }
        }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
