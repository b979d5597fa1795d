// Watch mode in the workbench: a FolderWatcher polls the run folder; checkpoints are
// read and probed in the checkpoint lane of the JobRunner, samples and neighbours come
// from the usual lanes. The main queue only receives messages.
import Dispatch
import Foundation
import RecurEngine

extension WorkbenchApp {
    /// Starts polling `folder`.
    func startWatch(_ folder: RunFolder) {
        let watcher = FolderWatcher(folder: folder) { [weak self] make in self?.post(make) }
        folderWatcher = watcher
        watcher.start()
    }

    /// Reads `file` from the run folder with the checks every checkpoint gets, probes the
    /// hidden state on text the model writes itself, and builds the embedding's vectors.
    func readCheckpoint(_ file: CheckpointFile) {
        guard let folder = folderWatcher?.folder else { return }
        let path = folder.file(file.name)
        jobs.submit(.checkpoint) { [weak self] token in
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint.read(from: path, trainingState: false)
            } catch {
                let reason = (error as? RecurError)?.description ?? "cannot read \(path): \(error)"
                self?.post { .checkpointFailed(file, reason: reason) }
                return
            }
            guard !token.isCancelled else { return }
            let model = checkpoint.model, vocabulary = checkpoint.vocabulary
            let text = WorkbenchApp.ownText(model: model, vocabulary: vocabulary)
            let watched = WatchedCheckpoint(file: file, model: model, vocabulary: vocabulary,
                                            probe: HiddenStateProbe(model: model, ids: text, vocabulary: vocabulary),
                                            vectors: try? WordVectors(model: model, vocabulary: vocabulary))
            guard !token.isCancelled else { return }
            self?.post { .checkpointRead(watched) }
        }
    }

    /// `probeLength` tokens the model writes from a line start (seed 1, temperature 0.8):
    /// with no corpus at hand, the hidden state is shown over the model's own text.
    nonisolated static func ownText(model: LanguageModel, vocabulary: Vocabulary) -> [Int32] {
        let start = vocabulary.samplingStart(prime: [])
        var ids = start
        var random = RandomGenerator(seed: 1)
        Sampler(model: model).stream(prime: start, length: probeLength - start.count, settings: SamplingSettings(temperature: 0.8),
                                     random: &random) { ids.append($0) }
        return ids
    }
}
