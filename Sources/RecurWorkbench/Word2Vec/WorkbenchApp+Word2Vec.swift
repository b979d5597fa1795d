// word2vec in the workbench: the training run on a background queue, steered by `p`
// and `s` through a Word2VecControl, reporting progress and vectors as messages, and
// writing the vectors when the user quits.
import Dispatch
import Foundation
import RecurEngine

extension WorkbenchApp {
    /// Runs word2vec on a background queue, in slices that `p` and `s` steer; progress
    /// (ten times a second) and a copy of the vectors (twice a second) come back as
    /// messages. The loss chart counts words trained.
    func startWord2Vec(_ trainer: Word2VecTrainer, paused: Bool) {
        let control = Word2VecControl(paused: paused)
        word2vecControl = control
        word2vecTrainer = trainer
        let finished = word2vecFinished
        DispatchQueue.global(qos: .userInitiated).async { [weak self] in
            var step = 0
            var lastVectors: UInt64 = 0
            var trainingSeconds = 0.0, lastTick = DispatchTime.now().uptimeNanoseconds
            let words = Double(trainer.corpus.rawWordCount * trainer.settings.epochs)
            let result = trainer.train(control: control, report: { progress in
                step += 1
                let now = DispatchTime.now().uptimeNanoseconds
                // The clock counts training only, as the language model's does.
                if !progress.paused { trainingSeconds += Double(now - lastTick) / 1e9 }
                lastTick = now
                var vectors: WordVectors?
                if now - lastVectors > 500_000_000 {
                    vectors = try? trainer.vectors
                    lastVectors = now
                }
                let losses = progress.loss.map { [LossPoint(step: step, tokens: Int(progress.fraction * words), loss: $0, elapsed: trainingSeconds)] } ?? []
                let report = EmbeddingProgress(newLosses: losses, fraction: progress.fraction, epoch: progress.epoch,
                                               wordsPerSecond: progress.wordsPerSecond, elapsed: trainingSeconds, vectors: vectors,
                                               finished: false, paused: progress.paused)
                DispatchQueue.main.async { MainActor.assumeIsolated { self?.dispatch(.embeddingProgress(report)) } }
            })
            finished.signal()
            let last = LossPoint(step: step + 1, tokens: Int(words), loss: result.finalLoss, elapsed: result.seconds)
            let final = EmbeddingProgress(newLosses: [last], fraction: 1, epoch: trainer.settings.epochs, wordsPerSecond: result.wordsPerSecond,
                                          elapsed: result.seconds, vectors: try? trainer.vectors, finished: true)
            DispatchQueue.main.async { MainActor.assumeIsolated { self?.dispatch(.embeddingProgress(final)) } }
        }
    }

    /// Stops word2vec (within a slice), writes the vectors learned so far to the mode's
    /// output path, then restores the terminal and exits; a failed write is reported on
    /// stderr with status 1.
    func quitWord2Vec(control: Word2VecControl, trainer: Word2VecTrainer) {
        control.stop()
        let finished = word2vecFinished, path = state.checkpointPath
        DispatchQueue.global(qos: .userInitiated).async { [weak self] in
            _ = finished.wait(timeout: .now() + 10)
            var problem: String?
            var written = 0
            if let path {
                do {
                    let vectors = try trainer.vectors
                    try vectors.write(to: path, format: .text)
                    written = vectors.count
                } catch {
                    problem = "\(error)"
                }
            }
            DispatchQueue.main.async {
                MainActor.assumeIsolated {
                    guard let self else { return }
                    self.restoreTerminal()
                    if let problem {
                        Console.error("recur: vectors not written: \(problem)\n")
                        self.exit(1)
                    }
                    if let path { Console.error("wrote \(written) vectors to \(path)\n") }
                    self.exit(0)
                }
            }
        }
    }
}
