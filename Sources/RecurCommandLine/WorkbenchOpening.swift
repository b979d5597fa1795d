// What `recur` (the workbench) prepares before it opens: a language model's run with its
// save path, lock and reopening, or a live word2vec run with its vectors file. The
// terminal check comes in as a closure, so this target stays free of terminal UI and
// nothing is moved aside for a workbench that cannot open.
import Foundation
import RecurEngine

/// A language model ready for the workbench: the run, where it saves, the lock on that
/// path (held until exit) and what became of a run already there.
public struct WorkbenchTraining {
    public let prepared: PreparedTraining
    public let savePath: String
    public let output: OwnedOutput
    public let reopening: Reopening

    /// Prepares the run `setup` describes, saving to `checkpoint` (or the default next to
    /// the corpus name; never the `resume` input unless named there): a run of the same
    /// text and settings already there continues, any other is kept as a backup.
    /// `checkTerminal` runs before anything is moved aside.
    public init(setup: TrainingSetup, checkpoint: String?, resume: String?, fresh: Bool,
                inputs: [(flag: String, path: String)], checkTerminal: () throws -> Void) throws {
        // Always somewhere to save, so that w works with --no-autosave too.
        let savePath = try setup.savePath(checkpoint: checkpoint, resume: resume)
        try OutputFile.checkDistinct(outputs: [("--checkpoint", savePath)], inputs: inputs)
        // Held until exit: a second writer into this checkpoint refuses up front.
        let output = try OwnedOutput(path: savePath, what: "checkpoint")
        if let resume {
            prepared = try setup.prepare(resume: resume)
            try checkTerminal()
            reopening = try Reopening.protect(savePath, continuing: resume)
        } else {
            (prepared, reopening) = try setup.prepare(reopening: savePath, fresh: fresh, beforeReplacing: checkTerminal)
        }
        try OutputFile.checkRoom(for: savePath, bytes: prepared.checkpointSizeLowerBound, what: "checkpoint")
        self.savePath = savePath
        self.output = output
    }
}

/// word2vec ready for the workbench: the trainer, and a vectors file already at the
/// output path kept as a backup.
public struct WorkbenchWord2Vec {
    public let trainer: Word2VecTrainer
    /// The name of the backup of the previous vectors, if there were any.
    public let keptAs: String?

    /// Reads the corpus, builds the trainer and checks `outPath` (never the corpus); then,
    /// once `checkTerminal` passes, keeps the vectors of an earlier run instead of
    /// overwriting them.
    public init(corpusPath: String, settings: Word2VecSettings, lowercase: Bool, outPath: String,
                checkTerminal: () throws -> Void) throws {
        let text = try Word2VecCorpus.load(path: corpusPath, minCount: settings.minCount, lowercase: lowercase,
                                           progress: ProgressLine.corpusReader(path: corpusPath))
        trainer = try Word2VecTrainer(corpus: text, settings: settings)
        try OutputFile.checkDistinct(outputs: [("--out", outPath)], inputs: [("--corpus", corpusPath)])
        try OutputFile.checkWritable(outPath, what: "vectors file")
        try checkTerminal()
        keptAs = OutputFile.isRegularFile(outPath) ? (try OutputFile.keepAsBackup(outPath) as NSString).lastPathComponent : nil
    }
}
