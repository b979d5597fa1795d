// The same command run twice: the second run continues the first when the text and the
// settings match, and otherwise keeps it as a backup instead of overwriting it.
import Foundation
import XCTest
import RecurEngine
@testable import RecurCommandLine

final class ReopeningTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-reopen-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try String(repeating: "the fox ran to the river and the owl flew over the hill.\n", count: 80)
            .write(toFile: path("text.txt"), atomically: false, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func setup(hidden: Int? = nil, text: String = "text.txt") -> TrainingSetup {
        var setup = TrainingSetup()
        setup.corpusPath = path(text)
        setup.hidden = hidden
        setup.embed = 4
        setup.sequenceLength = 8
        setup.batch = 4
        return setup
    }

    /// Trains `steps` steps with `setup` and saves to `name`, as a run that ends would.
    func run(_ setup: TrainingSetup, steps: Int, saving name: String) throws -> Reopening {
        let (prepared, outcome) = try setup.prepare(reopening: path(name), fresh: false)
        for _ in 0..<steps { prepared.trainer.trainStep() }
        try prepared.writeCheckpoint(to: path(name))
        return outcome
    }

    func testTheSameCommandContinuesTheSavedRun() throws {
        XCTAssertEqual(try run(setup(hidden: 8), steps: 7, saving: "run.safetensors"), .none)
        // The same text; flags not typed take the saved run's values.
        let (prepared, outcome) = try setup().prepare(reopening: path("run.safetensors"), fresh: false)
        XCTAssertEqual(outcome, .resumed(step: 7))
        XCTAssertEqual(prepared.trainer.step, 7)
        XCTAssertEqual(prepared.trainer.model.config.hidden, 8)
        XCTAssertEqual(prepared.trainer.history.train.count, 7, "the curve comes back")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("run.1.safetensors")))
    }

    func testOtherSettingsOrTextKeepTheOldRunAsABackup() throws {
        _ = try run(setup(hidden: 8), steps: 7, saving: "run.safetensors")
        let other = try run(setup(hidden: 12), steps: 2, saving: "run.safetensors")
        guard case .replaced(let backup, let reason) = other else { return XCTFail("\(other)") }
        XCTAssertEqual(backup, path("run.1.safetensors"))
        XCTAssertTrue(reason.contains("--hidden 12"), reason)
        XCTAssertEqual(try Checkpoint.read(from: backup).progress?.step, 7, "the first run is intact")
        XCTAssertEqual(try Checkpoint.read(from: path("run.safetensors")).progress?.step, 2)

        try String(repeating: "a different text altogether, with other words in it.\n", count: 80)
            .write(toFile: path("other.txt"), atomically: false, encoding: .utf8)
        let anotherText = try run(setup(text: "other.txt"), steps: 1, saving: "run.safetensors")
        guard case .replaced(_, let textReason) = anotherText else { return XCTFail("\(anotherText)") }
        XCTAssertTrue(textReason.contains("another text"), textReason)
        // Generations shift: .1 is the hidden-12 run now, .2 the first one.
        XCTAssertEqual(try Checkpoint.read(from: path("run.1.safetensors")).progress?.step, 2)
        XCTAssertEqual(try Checkpoint.read(from: path("run.2.safetensors")).progress?.step, 7)
    }

    func testFreshStartsAnewAndKeepsTheOldRun() throws {
        _ = try run(setup(hidden: 8), steps: 3, saving: "run.safetensors")
        let (prepared, outcome) = try setup(hidden: 8).prepare(reopening: path("run.safetensors"), fresh: true)
        XCTAssertEqual(prepared.trainer.step, 0)
        XCTAssertEqual(outcome, .replaced(backup: path("run.1.safetensors"), reason: "--fresh"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("run.1.safetensors")))
    }

    func testNothingMovesWhenTheCallerRefuses() throws {
        _ = try run(setup(hidden: 8), steps: 3, saving: "run.safetensors")
        struct NoTerminal: Error {}
        XCTAssertThrowsError(try setup(hidden: 8).prepare(reopening: path("run.safetensors"), fresh: true, beforeReplacing: { throw NoTerminal() }))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("run.safetensors")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("run.1.safetensors")))
    }

    func testADivergedValidationLossStillLeavesAWritableCheckpoint() throws {
        let (prepared, _) = try setup(hidden: 8).prepare(reopening: path("nan.safetensors"), fresh: false)
        prepared.trainer.trainStep()
        prepared.trainer.noteValidationLoss(.nan)
        try prepared.writeCheckpoint(to: path("nan.safetensors"))
        XCTAssertEqual(try Checkpoint.read(from: path("nan.safetensors")).progress?.step, 1)
    }

    func testAFileThatIsNoCheckpointIsKeptNotOverwritten() throws {
        try "not a checkpoint".write(toFile: path("run.safetensors"), atomically: false, encoding: .utf8)
        let (_, outcome) = try setup().prepare(reopening: path("run.safetensors"), fresh: false)
        guard case .replaced(let backup, _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "not a checkpoint")
    }
}
