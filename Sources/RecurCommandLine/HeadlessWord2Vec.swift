// word2vec without the workbench (`recur embed`): progress on stderr, and Ctrl-C, SIGTERM
// or a hang-up stopping within a slice so that the vectors so far can still be written.
import Foundation
import RecurEngine

/// Trains word2vec, reporting on stderr as `recur train` does.
public enum HeadlessWord2Vec {
    /// Trains `trainer` to the end or to a stop signal, showing epoch, percent, words/s
    /// and loss (every report on a terminal, every 5 s otherwise); says where it stopped.
    public static func train(_ trainer: Word2VecTrainer) -> Word2VecResult {
        var line = ProgressLine.Live(interactiveInterval: 0)
        let epochs = trainer.settings.epochs
        let result = StopSignals.catching { stopRequested in
            trainer.train(report: { progress in
                line.show {
                    let loss = progress.loss.map { String(format: "  loss %.4f", $0) } ?? ""
                    return String(format: "epoch %d/%d  %5.1f%%  %.0f words/s", progress.epoch, epochs, 100 * progress.fraction,
                                  progress.wordsPerSecond) + loss
                }
            }, shouldStop: stopRequested)
        }
        line.finish()
        if let stoppedAt = result.stoppedAt { Console.error(String(format: "interrupted at %.1f%% of training\n", 100 * stoppedAt)) }
        return result
    }
}
