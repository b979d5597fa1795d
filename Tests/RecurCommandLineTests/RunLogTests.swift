// A run that continues an earlier one appends to a log that ends where it resumes, and
// keeps any other log as a backup instead of truncating it.
import Foundation
import XCTest
import RecurEngine
@testable import RecurCommandLine

final class RunLogTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-runlog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func records(_ steps: ClosedRange<Int>) -> String {
        steps.map { "{\"loss\":1.5,\"step\":\($0),\"tokens\":\($0 * 64)}\n" }.joined()
    }

    func steps(in name: String) throws -> [Int] {
        var tail = LogTail()
        return tail.consume(try Data(contentsOf: URL(fileURLWithPath: path(name)))).map(\.step)
    }

    func testALogThatEndsAtTheResumedStepIsAppendedTo() throws {
        try records(1...100).write(toFile: path("log.jsonl"), atomically: false, encoding: .utf8)
        let (stream, note) = try RunLog.open(path("log.jsonl"), continuingFrom: 100)
        try stream.write(Data(records(101...102).utf8))
        stream.close()
        XCTAssertEqual(try steps(in: "log.jsonl"), Array(1...102), "the curve stays whole")
        XCTAssertTrue(note?.contains("appending") == true, note ?? "no note")
    }

    func testAnyOtherLogIsKeptNotTruncated() throws {
        try records(1...150).write(toFile: path("log.jsonl"), atomically: false, encoding: .utf8)
        let (stream, note) = try RunLog.open(path("log.jsonl"), continuingFrom: 100)
        try stream.write(Data(records(101...101).utf8))
        stream.close()
        XCTAssertEqual(try steps(in: "log.1.jsonl"), Array(1...150), "the old log is kept whole")
        XCTAssertEqual(try steps(in: "log.jsonl"), [101])
        XCTAssertTrue(note?.contains("log.1.jsonl") == true, note ?? "no note")
        // A new run (step 0) never truncates an old log either.
        _ = try RunLog.open(path("log.jsonl"), continuingFrom: 0)
        XCTAssertEqual(try steps(in: "log.1.jsonl"), [101])
        XCTAssertEqual(try steps(in: "log.2.jsonl"), Array(1...150))
    }

    func testAPieceOfALineLeftByAKilledWriterIsEndedFirst() throws {
        try (records(1...5) + "{\"loss\":1.5,\"st").write(toFile: path("log.jsonl"), atomically: false, encoding: .utf8)
        let (stream, _) = try RunLog.open(path("log.jsonl"), continuingFrom: 5)
        try stream.write(Data(records(6...6).utf8))
        stream.close()
        XCTAssertEqual(try steps(in: "log.jsonl"), Array(1...6))
    }
}
