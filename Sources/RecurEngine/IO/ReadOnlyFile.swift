// Reading a file that someone else may be changing: opened without blocking (a FIFO at
// the path would otherwise hold the reader until a writer comes) and refused unless it is
// a regular file, then read with pread into memory. A mapped file cut short underneath
// its reader kills the process with SIGBUS; a read of a file cut short just comes back
// short, and the caller says so.
import Foundation

/// An open regular file, read by position; closed with the object.
final class ReadOnlyFile {
    let path: String
    /// The file's size and identity when it was opened.
    let size: Int
    let device: UInt64
    let inode: UInt64
    private let descriptor: Int32

    /// Opens `path`, or returns nil when nothing is there. Throws a one-line reason when
    /// it cannot be opened or is not a regular file (a folder, a FIFO, a device).
    static func open(_ path: String) throws -> ReadOnlyFile? {
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw RecurError.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RecurError.io("cannot read \(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw RecurError.io("cannot read \(path): it is not a regular file")
        }
        return ReadOnlyFile(path: path, descriptor: descriptor, info: info)
    }

    private init(path: String, descriptor: Int32, info: stat) {
        self.path = path
        self.descriptor = descriptor
        size = Int(info.st_size)
        // dev_t is UInt64 on Linux and Int32 on Darwin: keep its bits, never trap.
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(info.st_ino)
    }

    deinit { close(descriptor) }

    /// `count` bytes at `position`, fewer only if the file ends first.
    func read(at position: Int, count: Int) throws -> Data {
        guard count > 0 else { return Data() }
        var data = Data(count: count)
        let done = try data.withUnsafeMutableBytes { try read(at: position, into: $0) }
        return done == count ? data : data.prefix(done)
    }

    /// Fills `buffer` from `position`; returns how many bytes were read (fewer only if
    /// the file ends first).
    func read(at position: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(position + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw RecurError.io("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            done += got
        }
        return done
    }
}
