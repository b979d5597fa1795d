// Output paths: symlinks followed, FIFOs and other special files written in place,
// temporary files of killed writers removed, bad paths refused before work starts.
import Foundation
import XCTest
@testable import RecurEngine

final class OutputFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-output-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func kind(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    func testSymlinksAreFollowedNotReplaced() throws {
        try "old".write(toFile: path("target"), atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("target", path("link")), 0)
        try OutputFile.write(Data("new".utf8), to: path("link"), what: "test file")
        XCTAssertEqual(kind(path("link")), S_IFLNK, "the link stays a link")
        XCTAssertEqual(try String(contentsOfFile: path("target"), encoding: .utf8), "new")
        // A dangling link is written through, as a shell's > does.
        XCTAssertEqual(symlink("made", path("dangling")), 0)
        try OutputFile.write(Data("x".utf8), to: path("dangling"), what: "test file")
        XCTAssertEqual(kind(path("dangling")), S_IFLNK)
        XCTAssertEqual(try String(contentsOfFile: path("made"), encoding: .utf8), "x")
        // A chain of links through another folder.
        try FileManager.default.createDirectory(atPath: path("inner"), withIntermediateDirectories: false)
        XCTAssertEqual(symlink("inner/final", path("first")), 0)
        XCTAssertEqual(symlink(path("first"), path("second")), 0)
        try OutputFile.write(Data("chain".utf8), to: path("second"), what: "test file")
        XCTAssertEqual(try String(contentsOfFile: path("inner/final"), encoding: .utf8), "chain")
        XCTAssertEqual(symlink("loop", path("loop")), 0)
        XCTAssertThrowsError(try OutputFile.write(Data(), to: path("loop"), what: "test file")) {
            XCTAssertTrue("\($0)".contains("symbolic links"), "\($0)")
        }
    }

    func testFIFOIsWrittenInPlace() throws {
        XCTAssertEqual(mkfifo(path("fifo"), 0o600), 0)
        try OutputFile.checkWritable(path("fifo"), what: "log file")
        let received = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var text = ""
        let fifo = path("fifo")
        Thread.detachNewThread {
            text = FileHandle(forReadingAtPath: fifo).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? "unreadable"
            received.signal()
        }
        try OutputFile.write(Data("through the pipe".utf8), to: fifo, what: "checkpoint")
        XCTAssertEqual(received.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(text, "through the pipe", "the reader gets the bytes")
        XCTAssertEqual(kind(fifo), S_IFIFO, "the FIFO is still a FIFO")
        // The log stream writes into it too.
        Thread.detachNewThread {
            text = FileHandle(forReadingAtPath: fifo).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? "unreadable"
            received.signal()
        }
        let stream = try OutputFileStream(path: fifo, what: "log file")
        try stream.write(Data("line\n".utf8))
        stream.close()
        XCTAssertEqual(received.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(text, "line\n")
        XCTAssertEqual(kind(fifo), S_IFIFO)
    }

    func testReplacedFileKeepsItsPermissionsAndLeavesNoTemporary() throws {
        try "old".write(toFile: path("file"), atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path("file"), 0o640), 0)
        try OutputFile.write(Data("new".utf8), to: path("file"), what: "test file")
        var info = stat()
        stat(path("file"), &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["file"])
    }

    func testTemporariesOfDeadWritersAreRemoved() throws {
        // A process id that is not running: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let abandoned = path(".out.bin.tmp-\(dead)")
        let living = path(".out.bin.tmp-1")  // init always runs
        try "torn".write(toFile: abandoned, atomically: false, encoding: .utf8)
        try "busy".write(toFile: living, atomically: false, encoding: .utf8)
        try OutputFile.write(Data("whole".utf8), to: path("out.bin"), what: "test file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned), "a dead writer's temporary is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: living), "a running writer's temporary is left alone")
    }

    func testBadPathsAreRefusedUpFront() throws {
        XCTAssertThrowsError(try OutputFile.checkWritable(path("missing/out"), what: "checkpoint")) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
        XCTAssertThrowsError(try OutputFile.checkWritable(folder, what: "checkpoint")) {
            XCTAssertTrue("\($0)".contains("is a directory"), "\($0)")
        }
        XCTAssertThrowsError(try OutputFile.checkWritable("", what: "checkpoint"))
        try OutputFile.checkWritable(path("new"), what: "checkpoint")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "the probe leaves nothing behind")
        XCTAssertThrowsError(try OutputFileStream(path: folder, what: "log file"))
    }
}
