// Reading a corpus file on every core (#20): the file is cut into one byte range per
// thread, each starting just after a line end, and each range is read in chunks that end
// just after a line end (or, inside a very long line, after a space or a tab). A cut
// after an ASCII byte never splits a UTF-8 sequence, and a cut after a line end, space
// or tab never splits a word under either word rule (WordScanner, Word2VecScanner), so
// every chunk is scanned on its own, straight from the read buffer.
import Foundation

/// What reads one thread's range: fed its chunks in file order.
protocol CorpusChunkScanner {
    /// Scans `chunk`, which starts at byte `offset` of the file. A UTF-8 sequence cut at
    /// its end is an error: chunks are only cut after ASCII bytes or at the file's end.
    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, offset: Int) throws
}

enum CorpusFileReader {
    /// Bytes read per chunk (a chunk grows past it only for a line with no space or tab).
    static let chunkSize = 8 << 20
    /// Below this size a file is read on one thread: a second would not pay for itself.
    static let bytesPerThread = 1 << 20

    /// The threads a file of `size` bytes is read on.
    static func threadCount(size: Int) -> Int {
        max(1, min(Gemm.threadCount, size / bytesPerThread))
    }

    /// Reads `path` (`size` bytes, from `Corpus.fileSize`) on `threads` threads, each
    /// range through its own scanner from `makeScanner(rangeBytes)`; returns the scanners in
    /// file order. `progress` gets the fraction of bytes read (0…1), from any thread but
    /// never two at once. A failure in one range stops the ranges after it; the error
    /// thrown is the first one in file order, as one thread would have met it.
    static func scan<Scanner: CorpusChunkScanner>(path: String, size: Int, threads: Int, chunkBytes: Int = chunkSize,
                                                  progress: ((Double) -> Void)?, makeScanner: (Int) -> Scanner) throws -> [Scanner] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotRead(path) }
        defer { close(descriptor) }
        let starts = try rangeStarts(descriptor, size: size, threads: threads, path: path)
        var scanners = starts.indices.map { makeScanner((($0 + 1 < starts.count) ? starts[$0 + 1] : size) - starts[$0]) }
        var errors = [Error?](repeating: nil, count: starts.count)
        let failedPart = LowestPart()
        let report = ProgressSum(total: size, report: progress)
        scanners.withUnsafeMutableBufferPointer { scannerSlots in
            errors.withUnsafeMutableBufferPointer { errorSlots in
                // Each range writes only its own scanner and error slot.
                Parallel.forEach(starts.count) { part in
                    let end = part + 1 < starts.count ? starts[part + 1] : size
                    do {
                        try readRange(descriptor, from: starts[part], to: end, chunkBytes: chunkBytes, path: path, shouldStop: { failedPart.value < part }) { chunk, offset in
                            try scannerSlots[part].scan(chunk, offset: offset)
                            report.add(chunk.count)
                        }
                    } catch {
                        errorSlots[part] = error
                        failedPart.lowerTo(part)
                    }
                }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
        return scanners
    }

    /// Where each thread's range starts: 0, then just after the first line end at or past
    /// each even share of the file (fewer ranges when lines are that long).
    static func rangeStarts(_ descriptor: Int32, size: Int, threads: Int, path: String) throws -> [Int] {
        var starts = [0]
        var window = [UInt8](repeating: 0, count: 1 << 16)
        for part in 1..<max(threads, 1) {
            var position = max(size / threads * part, starts.last!)
            var found: Int?
            while found == nil && position < size {
                let read = try window.withUnsafeMutableBytes { try readFully(descriptor, into: $0, at: position, path: path) }
                guard read > 0 else { break }
                if let newline = window[..<read].firstIndex(of: 0x0A) { found = position + newline + 1 } else { position += read }
            }
            guard let start = found, start < size else { break }
            if start > starts.last! { starts.append(start) }
        }
        return starts
    }

    /// Reads bytes `start..<end` in chunks cut as the file's header says, calling `body`
    /// with each chunk and its file offset.
    private static func readRange(_ descriptor: Int32, from start: Int, to end: Int, chunkBytes: Int, path: String,
                                  shouldStop: () -> Bool,
                                  body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var capacity = max(min(chunkBytes, end - start), 1)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0, bufferOffset = start, position = start
        while !shouldStop() {
            let wanted = min(capacity - filled, end - position)
            let read = try readFully(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + wanted]),
                                     at: position, path: path)
            // A file that shrank while it was read ends where it ends.
            let atEnd = read < wanted || position + read >= end
            position += read
            filled += read
            let bytes = UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: filled)
            let cut = atEnd ? filled : safeCut(bytes)
            if cut == 0 && !atEnd {
                // No line end, space or tab in a whole chunk: read on into a larger buffer.
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
                capacity *= 2
                continue
            }
            if cut > 0 { try body(UnsafeBufferPointer(rebasing: bytes[..<cut]), bufferOffset) }
            if atEnd { break }
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + cut, byteCount: filled - cut)
            filled -= cut
            bufferOffset += cut
        }
    }

    /// How many bytes of `bytes` make whole chunks: up to the last line end, else up to
    /// the last space or tab; 0 when there is neither.
    private static func safeCut(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if let newline = bytes.lastIndex(of: 0x0A) { return newline + 1 }
        if let blank = bytes.lastIndex(where: { $0 == 0x20 || $0 == 0x09 }) { return blank + 1 }
        return 0
    }

    /// Reads up to `buffer.count` bytes at `offset`, fewer only at the end of the file.
    private static func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws -> Int {
        var done = 0
        while done < buffer.count {
            let read = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if read < 0 && errno == EINTR { continue }
            if read < 0 { throw cannotRead(path) }
            if read == 0 { break }
            done += read
        }
        return done
    }

    private static func cannotRead(_ path: String) -> RecurError {
        .invalidCorpus("cannot read corpus: \(path) (\(String(cString: strerror(errno))))")
    }
}

/// The first range that failed, which several threads lower or read under a lock (reads
/// happen once per chunk).
private final class LowestPart: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Int.max

    var value: Int { lock.withLock { stored } }

    func lowerTo(_ candidate: Int) { lock.withLock { stored = min(stored, candidate) } }
}

/// Bytes read so far by every thread, reported as a fraction by one thread at a time.
private final class ProgressSum: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let report: ((Double) -> Void)?

    init(total: Int, report: ((Double) -> Void)?) {
        self.total = total
        self.report = report
    }

    func add(_ bytes: Int) {
        guard let report else { return }
        lock.withLock {
            done += bytes
            report(min(Double(done) / Double(max(total, 1)), 1))
        }
    }
}
