// Nothing lost at an output: legal long names keep legal temporaries, a pair of files is
// written whole or not at all, an input is never an output, one writer holds a checkpoint
// path, a file changed by another program is kept, a write that fails is rescued.
import Foundation
import XCTest
@testable import RecurEngine

final class OutputSafetyTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-output-safety-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func testA255ByteNameIsWritableAndItsTemporaryIsLegal() throws {
        for name in [String(repeating: "c", count: 243) + ".safetensors", String(repeating: "é", count: 121) + ".txt"] {
            XCTAssertLessThanOrEqual(name.utf8.count, 255)
            try OutputFile.write(Data("run".utf8), to: path(name), what: "checkpoint")
            XCTAssertEqual(try String(contentsOfFile: path(name), encoding: .utf8), "run")
            let temporary = (OutputFile.temporaryPath(for: path(name)) as NSString).lastPathComponent
            XCTAssertLessThanOrEqual(temporary.utf8.count, 255, temporary)
        }
        let stem = String(repeating: "x", count: 250)
        XCTAssertNotEqual(OutputFile.temporaryPrefix(for: path(stem + "a")), OutputFile.temporaryPrefix(for: path(stem + "b")),
                          "two long names that differ at the end keep apart")
        XCTAssertEqual(OutputFile.companionName(of: path("r.safetensors"), prefix: "", suffix: ".lock"), "r.safetensors.lock",
                       "a short name is kept whole")
    }

    func testTheProjectorPairIsWrittenWholeOrNotAtAll() throws {
        try "old metadata\n".write(toFile: path("metadata.tsv"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: path("vectors.tsv"), withIntermediateDirectories: false)
        let vectors = try WordVectors(words: ["a", "b"], dimension: 2, vectors: [1, 2, 3, 4])
        XCTAssertThrowsError(try vectors.write(to: path("vectors.tsv"), format: .projector))
        XCTAssertEqual(try String(contentsOfFile: path("metadata.tsv"), encoding: .utf8), "old metadata\n",
                       "metadata.tsv is not replaced when vectors.tsv cannot be")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["metadata.tsv", "vectors.tsv"],
                       "no temporary is left")
    }

    func testAnInputIsNeverAnOutput() throws {
        try "text".write(toFile: path("corpus.txt"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("corpus.txt", path("alias.txt")), 0)
        XCTAssertEqual(link(path("corpus.txt"), path("hard.txt")), 0)
        for output in ["corpus.txt", "alias.txt", "hard.txt"] {
            XCTAssertThrowsError(try OutputFile.checkDistinct(outputs: [("--log", path(output))], inputs: [("--corpus", path("corpus.txt"))])) {
                XCTAssertTrue("\($0)".contains("same file as --corpus"), "\($0)")
            }
        }
        XCTAssertThrowsError(try OutputFile.checkDistinct(outputs: [("--checkpoint", path("new")), ("--log", folder + "/./new")], inputs: []),
                             "two outputs on one new file")
        try OutputFile.checkDistinct(outputs: [("--log", path("log.jsonl"))], inputs: [("--corpus", path("corpus.txt"))])
    }

    func testOneWriterHoldsAPathAndASecondIsToldItsPID() throws {
        let first = try OutputLock(for: path("r.safetensors"), what: "checkpoint")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("r.safetensors.lock")))
        XCTAssertThrowsError(try OutputLock(for: path("r.safetensors"), what: "checkpoint")) {
            XCTAssertTrue("\($0)".contains("in use by another recur (PID \(getpid()))"), "\($0)")
        }
        first.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("r.safetensors.lock")), "the lock file goes with the lock")
        let second = try OutputLock(for: path("r.safetensors"), what: "checkpoint")
        second.release()
    }

    func testAFileChangedByAnotherProgramIsKept() throws {
        let output = try OwnedOutput(path: path("r.safetensors"), what: "checkpoint")
        defer { output.release() }
        XCTAssertNil(try output.write(Data("mine 1".utf8)))
        XCTAssertNil(try output.write(Data("mine 2".utf8)), "its own file is simply replaced")
        try "theirs".write(toFile: path("r.safetensors"), atomically: true, encoding: .utf8)
        let note = try output.write(Data("mine 3".utf8))
        XCTAssertTrue(note?.contains("another program changed r.safetensors; kept its version as r.1.safetensors") == true, note ?? "no note")
        XCTAssertEqual(try String(contentsOfFile: path("r.1.safetensors"), encoding: .utf8), "theirs")
        XCTAssertEqual(try String(contentsOfFile: path("r.safetensors"), encoding: .utf8), "mine 3")
    }

    func testAWriteThatFailsIsRescuedAndTheErrorSaysWhere() throws {
        try FileManager.default.createDirectory(atPath: path("gone"), withIntermediateDirectories: false)
        let output = try OwnedOutput(path: path("gone/r.safetensors"), what: "checkpoint")
        defer { output.release() }
        try FileManager.default.removeItem(atPath: path("gone"))
        XCTAssertThrowsError(try output.write(Data("the run".utf8))) { error in
            let message = "\(error)"
            guard let range = message.range(of: "saved to "), let end = message.range(of: " instead") else {
                return XCTFail(message)
            }
            let rescued = String(message[range.upperBound..<end.lowerBound])
            XCTAssertEqual(try? String(contentsOfFile: rescued, encoding: .utf8), "the run")
            try? FileManager.default.removeItem(atPath: (rescued as NSString).deletingLastPathComponent)
        }
    }
}
