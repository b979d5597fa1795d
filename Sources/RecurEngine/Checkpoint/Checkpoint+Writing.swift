// Writing a checkpoint: tensors under PyTorch's names, optimizer buffers, carried state and
// the JSON metadata, through OutputFile (atomic for a regular file).
import Foundation

extension Checkpoint {
    /// Names of the optimizer's two buffers as PyTorch calls them, where used.
    static func optimizerNames(_ kind: OptimizerKind) -> (first: String?, second: String?) {
        switch kind {
        case .adam: ("exp_avg", "exp_avg_sq")
        case .sgd: ("momentum_buffer", nil)
        case .rmsprop: (nil, "square_avg")
        case .adagrad: (nil, "sum")
        }
    }

    /// Room in the header for everything but the vocabulary: config, training progress
    /// and the run's history (downsampled to a bounded size), with a wide margin.
    static let headerReserve = 4 << 20

    /// Refuses, before any training, a vocabulary too large for the checkpoint header it
    /// is stored in (SafeTensors.maximumHeaderLength), so a run never trains only to
    /// write a checkpoint it cannot read. The writer enforces the same cap.
    public static func checkVocabularyFits(_ vocabulary: Vocabulary) throws {
        try checkVocabularyFits(vocabulary, headerLimit: SafeTensors.maximumHeaderLength)
    }

    /// The check against a given cap (tests lower it).
    static func checkVocabularyFits(_ vocabulary: Vocabulary, headerLimit: Int) throws {
        let stored = storedVocabularyBound(vocabulary.tokens)
        let limit = headerLimit - headerReserve
        guard stored <= limit else {
            throw RecurError.invalidCorpus("the vocabulary (\(vocabulary.count) tokens) would take \(stored >> 20) MiB of the checkpoint header, above the \(limit >> 20) MiB Recur allows it (the header's limit is \(headerLimit >> 20) MiB); raise --min-count to keep fewer words")
        }
    }

    /// An upper bound on the bytes the vocabulary takes in the header, where it is JSON
    /// (`write`) inside a JSON string (the safetensors header): exact for plain words.
    /// Counted instead of encoded because encoding a vocabulary of tens of MB takes
    /// Foundation's encoders minutes.
    static func storedVocabularyBound(_ tokens: [String]) -> Int {
        var bytes = 4  // "[ and ]" around the list
        for token in tokens {
            bytes += 5  // \"…\", and the comma
            for scalar in token.unicodeScalars {
                switch scalar.value {
                case 0x22, 0x5C, 0x2F: bytes += 4          // " \ / escaped twice: \\\"
                case 0..<0x20, 0x2028, 0x2029: bytes += 7  // \\u00XX at worst
                case 0xFEFF: bytes += 6                    // \ufeff (SafeTensors.escapingByteOrderMarks)
                default: bytes += UTF8.width(scalar)
                }
            }
        }
        return bytes
    }

    /// Writes through `OutputFile`: atomically (temporary file, fsync, rename) for a
    /// regular file, so a crash leaves either the old file or the new one, never a torn one.
    public func write(to path: String) throws {
        try OutputFile.write(try serialized(), to: path, what: "checkpoint")
    }

    /// The checkpoint's bytes, as `write(to:)` writes them.
    public func serialized() throws -> Data {
        var file = SafeTensors()
        var order: [String] = []
        func add(_ name: String, _ shape: [Int], _ values: [Float]) {
            file.set(name, shape: shape, values: values)
            order.append(name)
        }
        let layout = model.layout
        let parameters = model.parameters.array
        for slot in layout.slots { add(slot.name, slot.shape, Array(parameters[slot.offset..<slot.offset + slot.count])) }
        if let progress {
            let names = Checkpoint.optimizerNames(progress.optimizer.kind)
            for (name, buffer) in [(names.first, optimizerFirst), (names.second, optimizerSecond)] {
                guard let name, let buffer else { continue }
                for slot in layout.slots {
                    add("optim.\(slot.name).\(name)", slot.shape, Array(buffer[slot.offset..<slot.offset + slot.count]))
                }
            }
        }
        if let carriedState {
            let perState = config.layers * config.batch * config.hidden
            add("state.h", [config.layers, config.batch, config.hidden], Array(carriedState.prefix(perState)))
            if config.cell == .lstm {
                add("state.c", [config.layers, config.batch, config.hidden], Array(carriedState.suffix(perState)))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        file.metadata["format"] = "recur-1"
        file.metadata["config"] = String(decoding: try encoder.encode(config), as: UTF8.self)
        file.metadata["vocab"] = String(decoding: try encoder.encode(vocabulary.tokens), as: UTF8.self)
        if let progress { file.metadata["training"] = String(decoding: try encoder.encode(progress), as: UTF8.self) }
        file.metadata["history"] = String(decoding: try encoder.encode(history), as: UTF8.self)
        return try file.serialized(order: order)
    }
}
