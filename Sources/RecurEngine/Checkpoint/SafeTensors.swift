// The safetensors container: an 8-byte little-endian header length, a JSON header naming
// each tensor's dtype, shape and byte range, then the raw little-endian data. The reader
// trusts nothing in the file: every length and offset is checked before it is used.
import Foundation

/// A safetensors file: F32 tensors by name and the string metadata. A file that is read
/// is checked whole up front, but its tensors are read only when asked for (by position,
/// from the file held open), so sampling from a checkpoint never reads the optimizer
/// state stored beside the weights. The file is not memory-mapped: one cut short while
/// it is read gives an error, not SIGBUS.
public struct SafeTensors {
    public var metadata: [String: String] = [:]
    /// Tensors added for writing.
    private var added: [String: (shape: [Int], values: [Float])] = [:]
    /// Tensors of a file that was read: shape and byte range within `source`.
    private var entries: [String: (shape: [Int], bytes: Range<Int>)] = [:]
    private var source = Source.bytes(Data())
    /// Where the tensors of a file that was read are: its bytes, or the file itself.
    private enum Source {
        case bytes(Data)
        case file(ReadOnlyFile)
    }

    public init() {}

    /// Adds (or replaces) a tensor to write.
    public mutating func set(_ name: String, shape: [Int], values: [Float]) {
        added[name] = (shape, values)
    }

    /// Every tensor's name.
    public var names: [String] { Array(Set(added.keys).union(entries.keys)) }

    /// The shape of the tensor called `name`, without copying it, or nil.
    public func shape(of name: String) -> [Int]? {
        added[name]?.shape ?? entries[name]?.shape
    }

    /// The tensor called `name`, copied out of the file, or nil. Throws when the file
    /// has been cut short since its header was read.
    public func tensor(_ name: String) throws -> (shape: [Int], values: [Float])? {
        if let tensor = added[name] { return tensor }
        guard let entry = entries[name] else { return nil }
        var values = [Float](repeating: 0, count: entry.bytes.count / 4)
        switch source {
        case .bytes(let data):
            values.withUnsafeMutableBytes { target in
                data.copyBytes(to: target.bindMemory(to: UInt8.self), from: entry.bytes)
            }
        case .file(let file):
            let read = try values.withUnsafeMutableBytes { try file.read(at: entry.bytes.lowerBound, into: $0) }
            guard read == entry.bytes.count else {
                throw RecurError.invalidCheckpoint("\(file.path) was cut short while it was read (tensor \(name) ends at byte \(entry.bytes.upperBound), the file now at \(entry.bytes.lowerBound + read)); is something still writing it?")
            }
        }
        return (entry.shape, values)
    }

    /// Headers larger than this are refused before any allocation.
    static let maximumHeaderLength = 64 << 20

    // MARK: - Writing

    /// The file's bytes: tensors in the given order, header padded to 8 bytes.
    public func serialized(order: [String]) throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for name in order {
            guard let tensor = try tensor(name) else { throw RecurError.invalidCheckpoint("no tensor \(name) to write") }
            let bytes = tensor.values.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var headerBytes = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        for name in order {
            let values = try tensor(name)!.values
            // fp32 little-endian: the in-memory layout on every platform Swift runs on here.
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    // MARK: - Reading

    /// Reads the header of the checkpoint at `path` and checks it whole; the tensors are
    /// read from the file, held open, when asked for.
    public init(contentsOf path: String) throws {
        let opened: ReadOnlyFile?
        do {
            opened = try ReadOnlyFile.open(path)
        } catch let error as RecurError {
            throw RecurError.invalidCheckpoint(error.description)
        }
        guard let file = opened else { throw RecurError.invalidCheckpoint("checkpoint not found: \(path)") }
        func bad(_ reason: String) -> RecurError { .invalidCheckpoint("\(path) is not a valid checkpoint: \(reason)") }
        let lengthBytes = try file.read(at: 0, count: 8)
        guard lengthBytes.count == 8 else { throw bad("the file is only \(lengthBytes.count) bytes") }
        let headerLength = Self.headerLength(lengthBytes)
        guard headerLength > 0, headerLength <= UInt64(min(file.size - 8, Self.maximumHeaderLength)) else {
            throw bad("header length \(headerLength) does not fit in a \(file.size)-byte file")
        }
        let header = try file.read(at: 8, count: Int(headerLength))
        guard header.count == Int(headerLength) else { throw bad("the file ends inside its \(headerLength)-byte header") }
        try self.init(header: header, payload: file.size - 8 - header.count, name: path)
        source = .file(file)
    }

    /// Parses `data`; every inconsistency is an `invalidCheckpoint` error naming `name`.
    public init(data: Data, name: String) throws {
        func bad(_ reason: String) -> RecurError { .invalidCheckpoint("\(name) is not a valid checkpoint: \(reason)") }
        guard data.count >= 8 else { throw bad("the file is only \(data.count) bytes") }
        let headerLength = Self.headerLength(data.prefix(8))
        guard headerLength > 0, headerLength <= UInt64(min(data.count - 8, Self.maximumHeaderLength)) else {
            throw bad("header length \(headerLength) does not fit in a \(data.count)-byte file")
        }
        let headerEnd = 8 + Int(headerLength)
        try self.init(header: data.subdata(in: 8..<headerEnd), payload: data.count - headerEnd, name: name)
        source = .bytes(data)
    }

    /// The first 8 bytes as a little-endian length.
    private static func headerLength(_ bytes: Data) -> UInt64 {
        bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Parses the JSON `header` of a file with `payload` bytes of tensor data after it;
    /// byte ranges are recorded from the start of the file.
    private init(header data: Data, payload: Int, name: String) throws {
        func bad(_ reason: String) -> RecurError { .invalidCheckpoint("\(name) is not a valid checkpoint: \(reason)") }
        let headerEnd = 8 + data.count
        guard let parsed = try? JSONSerialization.jsonObject(with: data),
              let header = parsed as? [String: Any] else {
            throw bad("the header is not a JSON object")
        }
        for (key, value) in header {
            if key == "__metadata__" {
                guard let metadata = value as? [String: String] else { throw bad("__metadata__ is not a map of strings") }
                self.metadata = metadata
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shapeNumbers = info["shape"] as? [NSNumber], let offsetNumbers = info["data_offsets"] as? [NSNumber],
                  offsetNumbers.count == 2 else {
                throw bad("tensor \(key) lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw bad("tensor \(key) has dtype \(dtype); Recur reads F32") }
            // Doubles survive JSON; anything fractional, negative or huge is refused.
            let shape = try shapeNumbers.map { number -> Int in
                let value = number.doubleValue
                guard value >= 0, value < 1e9, value == value.rounded() else { throw bad("tensor \(key) has shape entry \(number)") }
                return Int(value)
            }
            let offsets = try offsetNumbers.map { number -> Int in
                let value = number.doubleValue
                guard value >= 0, value <= Double(payload), value == value.rounded() else {
                    throw bad("tensor \(key) has offset \(number) past the end of the data (\(payload) bytes)")
                }
                return Int(value)
            }
            let (elementCount, overflow) = shape.reduce((1, false)) { partial, dimension in
                let (product, flag) = partial.0.multipliedReportingOverflow(by: dimension)
                return (product, partial.1 || flag)
            }
            guard !overflow, elementCount <= Int.max / 4, offsets[1] >= offsets[0], offsets[1] - offsets[0] == elementCount * 4 else {
                throw bad("tensor \(key): shape \(shape) does not match its \(offsets[1] - offsets[0]) bytes")
            }
            entries[key] = (shape, (headerEnd + offsets[0])..<(headerEnd + offsets[1]))
        }
    }
}
