// The closed set of things that can happen to the workbench, and the effects that
// `update` asks the outside world to perform.
import Foundation
import RecurEngine
import TerminalKit

/// An input to `update`.
enum Msg {
    case key(Key)
    case resize(Size)
    case snapshot(TrainingSnapshot)
    case sampleReady(SampleResult)
    case neighboursReady(positive: [Int32], negative: [Int32], neighbours: [Neighbour])
    case mapReady([MapPoint])
    case embeddingProgress(EmbeddingProgress)
    case raceSnapshot(RaceSnapshot)
    case raceSampleReady(index: Int, result: SampleResult)
    /// Ctrl-C, SIGTERM or the terminal going away.
    case quitRequested
    /// What a background job has to say (a file written, or why not).
    case notice(String)
    /// The n-gram floors of the text (order → nats per token), computed in the background.
    case baselinesReady([Int: Double])
    /// The unit finder: how far it has read, then its report for the weights of `step`.
    case cellsProgress(Double)
    case cellsReady(CellReport, step: Int)
    case matchesReady(SpanMatches)
    case saliencyReady(SaliencyRequest, Saliency)
    /// Watch mode: a look at the run folder (or why it failed), taken at `time` after the
    /// first `requestsDone` requests (p, w) had been carried out.
    case folderScanned(Result<RunFolderScan, RecurError>, requestsDone: Int, time: Date)
    /// Watch mode: what the log brought since the last read, at `time`.
    case logRead(Result<LogBatch, RecurError>, time: Date)
    /// Watch mode: a checkpoint read and probed, or why it could not be.
    case checkpointRead(WatchedCheckpoint)
    case checkpointFailed(CheckpointFile, reason: String)
    /// Watch mode: a request file could not be created or removed.
    case requestFailed(RunFolderRequest, reason: String)
}

/// What a word2vec run reports to the workbench.
struct EmbeddingProgress: Sendable {
    /// Losses since the last report; `tokens` counts corpus words processed.
    var newLosses: [LossPoint]
    /// Fraction of all epochs done.
    var fraction: Double
    var epoch: Int
    var wordsPerSecond: Double
    var elapsed: Double
    /// A copy of the vectors, at a lower rate.
    var vectors: WordVectors?
    var finished: Bool
    /// Held between slices by `p`.
    var paused = false
    /// When it was reported: the reducer reads time only from messages.
    var time = Date()
}


/// A drawn sample: the prime, then every drawn token with its distribution.
struct SampleResult: Sendable {
    var request: SampleRequest
    var prime: [Int32]
    var steps: [SampleStep]
    var text: String
    /// The training step of the weights it was drawn from.
    var step: Int
    /// False while more tokens are coming (the first lines show before the rest is drawn).
    var complete: Bool
    /// Every token fed before the first drawn one (the prime, the inspector's context, or
    /// the line start), from which an exploration continues.
    var context: [Int32] = []

    init(request: SampleRequest, prime: [Int32], steps: [SampleStep], text: String, step: Int = 0,
                complete: Bool = true) {
        self.step = step
        self.complete = complete
        self.request = request
        self.prime = prime
        self.steps = steps
        self.text = text
    }
}

/// Steering a live word2vec run.
enum Word2VecCommand: Equatable, Sendable {
    case pause, resume, step
}

/// Work `update` asks for; the app performs it and may answer with further messages.
enum Effect: Equatable {
    case session(SessionCommand)
    case drawSample(SampleRequest)
    /// A sample from one model of a race.
    case drawRaceSample(index: Int, request: SampleRequest)
    case findNeighbours(positive: [Int32], negative: [Int32])
    case computeMap
    /// word2vec: write the vectors trained so far to the mode's output path.
    case writeVectors
    /// word2vec: pause or resume between slices, or train one slice while paused.
    case word2vec(Word2VecCommand)
    /// Correlate every unit with the annotation tracks of the validation text.
    case findCells
    case matchSpan(SpanMatchRequest)
    case explain(SaliencyRequest)
    /// Watch mode: read this checkpoint of the run folder and probe it.
    case readCheckpoint(CheckpointFile)
    /// Watch mode: create or remove a request file in the run folder.
    case request(RunFolderRequest)
    case quit
}
