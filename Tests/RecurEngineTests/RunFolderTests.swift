// The run folder as a watcher reads it: log bytes cut into records (partial last lines,
// garbage, over-long lines), a growing log followed through appends, truncation,
// replacement by rename and rewriting in place, the newest checkpoint by step, and the
// request files created and removed.
import Foundation
import XCTest
@testable import RecurEngine

final class RunFolderTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-runfolder-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func line(_ step: Int, loss: Double = 2.5, extra: String = "") -> String {
        "{\"grad_norm\":0.5,\"loss\":\(loss),\"step\":\(step),\"tokens\":\(step * 100)\(extra)}\n"
    }

    func append(_ text: String, to name: String = "log.jsonl") throws {
        let handle = FileHandle(forWritingAtPath: path(name)) ?? {
            _ = FileManager.default.createFile(atPath: path(name), contents: nil)
            return FileHandle(forWritingAtPath: path(name))!
        }()
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    // MARK: - Records

    func testARecordReadsEveryKeyAndIgnoresUnknownOnes() {
        let record = LogRecord(line: Data(#"{"grad_norm":0.25,"loss":2.5,"step":7,"time":1700000000.5,"tokens":700,"val_loss":2.75,"rank":0}"#.utf8))
        XCTAssertEqual(record, LogRecord(step: 7, tokens: 700, loss: 2.5, gradientNorm: 0.25, validationLoss: 2.75, time: 1700000000.5))
    }

    func testLinesThatAreNotRecordsAreRefused() {
        for text in ["", "garbage", "[1,2]", #"{"loss":2.5,"tokens":1}"#, #"{"step":1.5,"tokens":1,"loss":2}"#, #"{"step":-1,"tokens":1,"loss":2}"#,
                     #"{"step":1,"tokens":1,"loss":-2}"#, #"{"step":1,"tokens":1,"loss":"2"}"#, #"{"step":1,"tokens":1,"loss":2,"time":-5}"#,
                     #"{"step":1,"tokens":1,"loss":1e999}"#, #"{"step":99999999999999999999,"tokens":1,"loss":2}"#] {
            XCTAssertNil(LogRecord(line: Data(text.utf8)), text)
        }
    }

    // MARK: - The tail

    func testAPartialLastLineWaitsForItsNewline() {
        var tail = LogTail()
        let text = line(1) + line(2)
        let cut = text.utf8.count - 10
        XCTAssertEqual(tail.consume(Data(text.utf8.prefix(cut))).map(\.step), [1])
        XCTAssertEqual(tail.consume(Data(text.utf8.dropFirst(cut))).map(\.step), [2])
        // Byte by byte, too.
        var bytewise = LogTail(), steps: [Int] = []
        for byte in (line(3) + line(4)).utf8 { steps += bytewise.consume(Data([byte])).map(\.step) }
        XCTAssertEqual(steps, [3, 4])
        XCTAssertEqual(bytewise.malformedLines, 0)
    }

    func testGarbageLinesAreSkippedAndCounted() {
        var tail = LogTail()
        let records = tail.consume(Data((line(1) + "not json\n\n   \n{\"step\":\n" + line(2) + "\u{0}\u{1}\u{ff}\n" + line(3)).utf8))
        XCTAssertEqual(records.map(\.step), [1, 2, 3])
        XCTAssertEqual(tail.malformedLines, 3, "blank lines are not counted")
    }

    func testAnOverlongLineIsDroppedWithoutGrowingMemory() {
        var tail = LogTail()
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 10_000)
        for _ in 0..<(LogTail.lineLimit / chunk.count + 3) { XCTAssertEqual(tail.consume(chunk), []) }
        XCTAssertEqual(tail.malformedLines, 1)
        XCTAssertEqual(tail.consume(Data(("tail of it\n" + line(5)).utf8)).map(\.step), [5], "reading resumes after its newline")
        XCTAssertEqual(tail.malformedLines, 1)
    }

    // MARK: - Following a file

    func testAFollowerReadsOnlyWhatWasAppended() throws {
        var follower = LogFollower(path: path("log.jsonl"))
        XCTAssertNil(try follower.poll(), "no log yet")
        try append(line(1) + line(2) + "{\"step\":3")
        XCTAssertEqual(try follower.poll(), LogBatch(records: [LogRecord(line: Data(line(1).dropLast().utf8))!, LogRecord(line: Data(line(2).dropLast().utf8))!]))
        XCTAssertEqual(try follower.poll()?.records, [], "nothing new")
        try append(",\"tokens\":300,\"loss\":2}\n" + line(4))
        let batch = try XCTUnwrap(follower.poll())
        XCTAssertEqual(batch.records.map(\.step), [3, 4])
        XCTAssertFalse(batch.restarted)
    }

    func testATruncatedLogIsReadAgainFromItsStart() throws {
        var follower = LogFollower(path: path("log.jsonl"))
        try append(line(1) + line(2) + line(3))
        XCTAssertEqual(try follower.poll()?.records.count, 3)
        try Data(line(1).utf8).write(to: URL(fileURLWithPath: path("log.jsonl")))
        let batch = try XCTUnwrap(follower.poll())
        XCTAssertTrue(batch.restarted)
        XCTAssertEqual(batch.records.map(\.step), [1])
    }

    func testALogReplacedByRenameIsReadAgain() throws {
        var follower = LogFollower(path: path("log.jsonl"))
        try append(line(1) + line(2))
        XCTAssertEqual(try follower.poll()?.records.count, 2)
        // rsync's way: a new copy, longer and with other content, renamed over the old one.
        try append(line(10) + line(11) + line(12), to: ".log.jsonl.tmp")
        XCTAssertEqual(rename(path(".log.jsonl.tmp"), path("log.jsonl")), 0)
        let batch = try XCTUnwrap(follower.poll())
        XCTAssertTrue(batch.restarted)
        XCTAssertEqual(batch.records.map(\.step), [10, 11, 12])
    }

    func testALogRewrittenInPlaceIsReadAgain() throws {
        var follower = LogFollower(path: path("log.jsonl"))
        try append(line(1) + line(2))
        XCTAssertEqual(try follower.poll()?.records.count, 2)
        // The same inode, longer, but its first bytes changed (cp over it, rsync --inplace).
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path("log.jsonl")))
        handle.write(Data((line(7, loss: 1.5) + line(8, loss: 1.5) + line(9)).utf8))
        handle.closeFile()
        let batch = try XCTUnwrap(follower.poll())
        XCTAssertTrue(batch.restarted)
        XCTAssertEqual(batch.records.map(\.step), [7, 8, 9])
    }

    func testALongLogArrivesInBoundedPieces() throws {
        let text = String(repeating: line(1), count: LogFollower.chunkLimit / line(1).utf8.count + 10)
        try append(text)
        var follower = LogFollower(path: path("log.jsonl"))
        let first = try XCTUnwrap(follower.poll())
        XCTAssertTrue(first.more)
        let second = try XCTUnwrap(follower.poll())
        XCTAssertFalse(second.more)
        XCTAssertEqual(first.records.count + second.records.count, text.utf8.count / line(1).utf8.count)
    }

    func testAnUnreadableLogSaysWhy() throws {
        try FileManager.default.createDirectory(atPath: path("log.jsonl"), withIntermediateDirectories: false)
        var follower = LogFollower(path: path("log.jsonl"))
        XCTAssertThrowsError(try follower.poll()) { error in
            XCTAssertEqual("\(error)", "cannot read \(self.path("log.jsonl")): it is not a regular file")
        }
    }

    func testAFIFOAsTheLogIsRefusedWithoutWaitingForAWriter() throws {
        XCTAssertEqual(mkfifo(path("log.jsonl"), 0o600), 0)
        // Opening a FIFO for reading blocks until a writer comes: on another thread, so
        // that a reader that blocks fails the test instead of hanging it.
        let answered = expectation(description: "poll returns")
        let logPath = path("log.jsonl")
        let reason = UnsafeSendableBox<String>()
        DispatchQueue.global().async {
            var follower = LogFollower(path: logPath)
            do { _ = try follower.poll() } catch { reason.value = "\(error)" }
            answered.fulfill()
        }
        wait(for: [answered], timeout: 10)
        XCTAssertEqual(reason.value, "cannot read \(logPath): it is not a regular file")
    }

    // MARK: - The folder

    func testCheckpointNamesAndTheNewest() {
        XCTAssertEqual(RunFolder.checkpointStep("step-00000042.safetensors"), 42)
        XCTAssertEqual(RunFolder.checkpointStep("step-123456789.safetensors"), 123456789, "past eight digits")
        for name in [".step-00000042.safetensors.tmp-123", "step-42.safetensors", "step-0000004x.safetensors", "step-00000042.safetensors.1",
                     "model.safetensors", "step-00000042.recur.safetensors", "step--0000042.safetensors"] {
            XCTAssertNil(RunFolder.checkpointStep(name), name)
        }
        let names = ["step-00000100.safetensors", "step-00000020.safetensors", ".step-00000900.safetensors.tmp-7", "log.jsonl",
                     "step-00000300.safetensors", "pause"]
        XCTAssertEqual(RunFolder.newestCheckpoint(among: names)?.name, "step-00000300.safetensors", "by step, not by listing order")
        XCTAssertEqual(RunFolder.newestCheckpoint(among: names)?.step, 300)
        XCTAssertNil(RunFolder.newestCheckpoint(among: ["log.jsonl"]))
    }

    func testAScanFindsTheNewestCheckpointAndTheRequests() throws {
        let runFolder = try RunFolder(path: folder)
        XCTAssertEqual(try runFolder.scan(), RunFolderScan(newest: nil, hasLog: false, pauseRequested: false, saveRequested: false))
        try append("x", to: "step-00000010.safetensors")
        try append("xyz", to: "step-00000020.safetensors")
        try append("", to: "log.jsonl")
        try runFolder.perform(.pause, note: "held")
        try runFolder.perform(.save, note: "save please")
        let scan = try runFolder.scan()
        XCTAssertEqual(scan.newest?.name, "step-00000020.safetensors")
        XCTAssertEqual(scan.newest?.size, 3)
        XCTAssertTrue(scan.hasLog && scan.pauseRequested && scan.saveRequested)
        XCTAssertEqual(try String(contentsOfFile: path("pause"), encoding: .utf8), "held\n")
        try runFolder.perform(.resume, note: "")
        try runFolder.perform(.resume, note: "")
        XCTAssertFalse(try runFolder.scan().pauseRequested, "removed, and removing it again is no error")
    }

    func testBadFoldersAndFailedRequestsSayWhy() throws {
        XCTAssertThrowsError(try RunFolder(path: path("none"))) { XCTAssertEqual("\($0)", "\(self.path("none")): no such folder") }
        try append("x", to: "file")
        XCTAssertThrowsError(try RunFolder(path: path("file"))) { XCTAssertTrue("\($0)".contains("is not a folder"), "\($0)") }
        let runFolder = try RunFolder(path: folder)
        try FileManager.default.createDirectory(atPath: path("save"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try runFolder.perform(.save, note: "")) { XCTAssertEqual("\($0)", "cannot create \(self.path("save")): Is a directory") }
        try FileManager.default.removeItem(atPath: folder)
        XCTAssertThrowsError(try runFolder.scan()) { XCTAssertEqual("\($0)", "\(self.folder!) has gone") }
    }
}

/// A value handed back from another thread, read after an expectation is fulfilled.
final class UnsafeSendableBox<Value>: @unchecked Sendable {
    var value: Value?
}
