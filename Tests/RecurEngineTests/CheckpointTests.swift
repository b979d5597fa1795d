// Checkpoints: round trips, bit-exact resume, and a reader that survives any bytes.
import Foundation
import XCTest
@testable import RecurEngine

final class CheckpointTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    static let text = String(repeating: "the fox ran to the river and the owl flew over the hill. ", count: 40)

    func makeTrainer(corpus: Corpus, cell: CellKind = .lstm, dropout: Float = 0.3, schedule: LearningRateSchedule = .constant,
                     norm: NormKind = .none) throws -> Trainer {
        var random = RandomGenerator(seed: 4)
        let config = ModelConfig(cell: cell, vocabularySize: corpus.vocabulary.count, embed: 6, hidden: 10, layers: 2, dropout: dropout,
                                 norm: norm)
        return try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus,
                           config: TrainingConfig(sequenceLength: 12, batch: 4, seed: 4, schedule: schedule))
    }

    func testRoundTripKeepsEveryTensorAndTheMetadata() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus)
        for _ in 0..<3 { trainer.trainStep() }
        let path = folder.appendingPathComponent("a.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: 1.5).write(to: path)
        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.model.parameters.array, trainer.model.parameters.array)
        XCTAssertEqual(read.vocabulary, corpus.vocabulary)
        XCTAssertEqual(read.config.seq, 12)
        XCTAssertEqual(read.progress?.step, 3)
        XCTAssertEqual(read.progress?.validationLoss, 1.5)
        XCTAssertEqual(read.optimizerSecond, trainer.optimizer.second.array)
        XCTAssertEqual(read.carriedState, trainer.carriedState)
        // Names and layout exactly as PyTorch's state_dict.
        let file = try SafeTensors(contentsOf: path)
        XCTAssertEqual(try file.tensor("rnn.weight_ih_l1")?.shape, [40, 10])
        XCTAssertEqual(try file.tensor("optim.decoder.bias.exp_avg")?.shape, [corpus.vocabulary.count])
        XCTAssertEqual(try file.tensor("state.c")?.shape, [2, 4, 10])
        let weightsOnly = try Checkpoint.read(from: path, trainingState: false)
        XCTAssertEqual(weightsOnly.model.parameters.array, trainer.model.parameters.array)
        XCTAssertNil(weightsOnly.optimizerFirst)
        XCTAssertNotNil(file.metadata["config"]?.contains("\"vocab_size\""))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["a.safetensors"],
                       "no temporary file is left behind")
    }

    /// An adaptive softmax is stored under nn.AdaptiveLogSoftmaxWithLoss's names with its
    /// cutoffs in the config, and reads back the same; a full-softmax config stays as it
    /// was (no softmax keys).
    func testAdaptiveSoftmaxRoundTripsUnderPyTorchNames() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        var random = RandomGenerator(seed: 4)
        let config = ModelConfig(cell: .gru, vocabularySize: corpus.vocabulary.count, embed: 6, hidden: 16, layers: 1,
                                 softmax: .adaptive, cutoffs: [4, 9])
        let trainer = try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus,
                                  config: TrainingConfig(sequenceLength: 12, batch: 4, seed: 4))
        for _ in 0..<3 { trainer.trainStep() }
        let path = folder.appendingPathComponent("adaptive.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.model.config, config)
        XCTAssertEqual(read.model.parameters.array, trainer.model.parameters.array)
        let file = try SafeTensors(contentsOf: path)
        // head: shortlist 4 + 2 clusters; tails project 16 → 16 // 4 = 4 and 16 // 16 = 1.
        XCTAssertEqual(try file.tensor("decoder.head.weight")?.shape, [6, 16])
        XCTAssertEqual(try file.tensor("decoder.tail.0.0.weight")?.shape, [4, 16])
        XCTAssertEqual(try file.tensor("decoder.tail.0.1.weight")?.shape, [5, 4])
        XCTAssertEqual(try file.tensor("decoder.tail.1.0.weight")?.shape, [1, 16])
        XCTAssertEqual(try file.tensor("decoder.tail.1.1.weight")?.shape, [corpus.vocabulary.count - 9, 1])
        XCTAssertNil(try file.tensor("decoder.weight"))
        XCTAssertEqual(try file.tensor("optim.decoder.head.weight.exp_avg")?.shape, [6, 16])

        // The reader refuses every inconsistent adaptive config in one line naming the field.
        let original = try SafeTensors(contentsOf: path)
        let base = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(original.metadata["config"]!.utf8)) as? [String: Any])
        let V = corpus.vocabulary.count
        let edits: [(String, [String: Any?], String)] = [
            ("no cutoffs", ["cutoffs": []], "config.cutoffs"),
            ("a zero cutoff", ["cutoffs": [0, 9]], "config.cutoffs"),
            ("decreasing cutoffs", ["cutoffs": [9, 4]], "config.cutoffs"),
            ("a cutoff at V", ["cutoffs": [4, V]], "config.cutoffs"),
            ("a huge cutoff", ["cutoffs": [4, 1 << 40]], "config.cutoffs"),
            ("cutoffs not numbers", ["cutoffs": ["4", "9"]], "config.cutoffs"),
            ("div_value 0", ["div_value": 0], "config.div-value"),
            ("div_value too large for H", ["div_value": 64], "config.div-value"),
            ("tied weights", ["tie_weights": true, "embed": 16], "config.tie-weights"),
            ("an unknown softmax", ["softmax": "sparse"], "config.softmax"),
            ("cutoffs on a full softmax", ["softmax": "full"], "config.cutoffs"),
            ("max_vocab 1", ["max_vocab": 1], "config.max_vocab"),
        ]
        for (name, changes, field) in edits {
            var edited = base
            for (key, value) in changes { edited[key] = value }
            var file = original
            file.metadata["config"] = String(decoding: try JSONSerialization.data(withJSONObject: edited), as: UTF8.self)
            let editedPath = folder.appendingPathComponent("edited.safetensors").path
            try file.serialized(order: original.names).write(to: URL(fileURLWithPath: editedPath))
            XCTAssertThrowsError(try Checkpoint.read(from: editedPath), name) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(field) && !message.contains("\n"), "\(name): \(message)")
            }
        }
    }

    /// A layer-normalised model stores its gains and biases under nn.LayerNorm's names
    /// (rnn.layer_norm_{ih,hh,c}_lN.{weight,bias}) and "norm": "layer" in its config, and
    /// reads back the same model; a model without norms writes no "norm" key (as before
    /// it existed) and one without the key reads as none. An unknown norm is one line.
    func testLayerNormRoundTripsUnderPyTorchNames() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus, norm: .layer)
        for _ in 0..<3 { trainer.trainStep() }
        let path = folder.appendingPathComponent("ln.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.config.norm, .layer)
        XCTAssertEqual(read.model.config, trainer.model.config)
        XCTAssertEqual(read.model.parameters.array, trainer.model.parameters.array)
        let file = try SafeTensors(contentsOf: path)
        for layer in 0..<2 {
            for (part, width) in [("ih", 40), ("hh", 40), ("c", 10)] {
                for kind in ["weight", "bias"] {
                    XCTAssertEqual(try file.tensor("rnn.layer_norm_\(part)_l\(layer).\(kind)")?.shape, [width], "\(part) \(kind) l\(layer)")
                }
            }
        }
        // Three steps of Adam moved the gains off their start at 1.
        XCTAssertNotEqual(try file.tensor("rnn.layer_norm_c_l1.weight")?.values, Array(repeating: 1, count: 10))
        XCTAssertEqual(try file.tensor("optim.rnn.layer_norm_hh_l0.weight.exp_avg")?.shape, [40])
        XCTAssertTrue(file.metadata["config"]!.contains("\"norm\":\"layer\""))

        let plain = try makeTrainer(corpus: corpus)
        let plainPath = folder.appendingPathComponent("plain.safetensors").path
        try Checkpoint(trainer: plain, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: plainPath)
        XCTAssertFalse(try SafeTensors(contentsOf: plainPath).metadata["config"]!.contains("norm"))
        XCTAssertEqual(try Checkpoint.read(from: plainPath).config.norm, NormKind.none)

        var edited = file
        edited.metadata["config"] = file.metadata["config"]!.replacingOccurrences(of: "\"norm\":\"layer\"", with: "\"norm\":\"batch\"")
        let editedPath = folder.appendingPathComponent("edited.safetensors").path
        try edited.serialized(order: file.names).write(to: URL(fileURLWithPath: editedPath))
        XCTAssertThrowsError(try Checkpoint.read(from: editedPath)) { error in
            XCTAssertTrue("\(error)".contains("norm") && !"\(error)".contains("\n"), "\(error)")
        }
    }

    /// 20 steps, save, resume, 20 more gives exactly what 40 straight steps give:
    /// weights, optimizer state and every loss, with dropout on.
    func testResumeIsBitExact() throws {
        for (cell, norm) in CellKind.allCases.flatMap({ cell in NormKind.allCases.map { (cell, $0) } }) {
            let corpus = Corpus(text: Self.text, level: .char)
            let straight = try makeTrainer(corpus: corpus, cell: cell, schedule: .step(every: 7, factor: 0.9), norm: norm)
            let straightLosses = (0..<40).map { _ in straight.trainStep().loss }

            let first = try makeTrainer(corpus: corpus, cell: cell, schedule: .step(every: 7, factor: 0.9), norm: norm)
            var losses = (0..<20).map { _ in first.trainStep().loss }
            let path = folder.appendingPathComponent("\(cell)-\(norm).safetensors").path
            try Checkpoint(trainer: first, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
            let resumed = try Checkpoint.read(from: path).resumedTrainer(corpus: corpus)
            losses += (0..<20).map { _ in resumed.trainStep().loss }

            XCTAssertEqual(losses.map(\.bitPattern), straightLosses.map(\.bitPattern), "\(cell) losses")
            XCTAssertEqual(resumed.model.parameters.array.map(\.bitPattern), straight.model.parameters.array.map(\.bitPattern), "\(cell) weights")
            XCTAssertEqual(resumed.optimizer.first.array.map(\.bitPattern), straight.optimizer.first.array.map(\.bitPattern), "\(cell) moments")
            XCTAssertEqual(resumed.optimizer.settings.learningRate, straight.optimizer.settings.learningRate)
            XCTAssertEqual(resumed.step, 40)
        }
    }

    func testResumeRefusesAnotherText() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus)
        let path = folder.appendingPathComponent("b.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
        let other = try Corpus(text: String(Self.text.reversed()), vocabulary: corpus.vocabulary)
        XCTAssertThrowsError(try Checkpoint.read(from: path).resumedTrainer(corpus: other)) {
            XCTAssertTrue("\($0)".contains("corpus differs"), "\($0)")
        }
    }

    func validCheckpointBytes() throws -> Data {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus, cell: .gru)
        trainer.trainStep()
        let path = folder.appendingPathComponent("valid.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func read(_ data: Data) throws -> Checkpoint {
        let path = folder.appendingPathComponent("bad.safetensors").path
        try data.write(to: URL(fileURLWithPath: path))
        return try Checkpoint.read(from: path)
    }

    func testBrokenFilesAreClearErrors() throws {
        let valid = try validCheckpointBytes()
        func expectError(_ data: Data, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try read(data), file: file, line: line) { error in
                guard case RecurError.invalidCheckpoint(let message) = error else { return XCTFail("\(error)", file: file, line: line) }
                XCTAssertTrue(message.contains(fragment), message, file: file, line: line)
            }
        }
        expectError(valid.prefix(5), "only 5 bytes")
        expectError(valid.prefix(valid.count / 2), "past the end")
        var absurd = valid
        absurd.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        expectError(absurd, "header length")
        var random = RandomGenerator(seed: 1)
        expectError(Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) }), "header length")
        // A foreign safetensors file: valid container, no Recur metadata.
        var foreign = SafeTensors()
        foreign.set("weight", shape: [2], values: [1, 2])
        expectError(try foreign.serialized(order: ["weight"]), "no \"config\"")
        // A header that lies about a tensor's size.
        let headerLength = Int(valid.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = String(decoding: valid[8..<(8 + headerLength)], as: UTF8.self)
        header = header.replacingOccurrences(of: "\"shape\":[", with: "\"shape\":[3,")
        var lying = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { lying.append(contentsOf: $0) }
        lying.append(Data(header.utf8))
        lying.append(valid[(8 + headerLength)...])
        expectError(lying, "does not match")
        XCTAssertThrowsError(try Checkpoint.read(from: folder.appendingPathComponent("missing").path)) {
            XCTAssertTrue("\($0)".contains("not found"))
        }
    }

    /// 10,000 mutated checkpoints: flipped bytes, truncations, overwritten header length,
    /// spliced garbage. The reader may accept or refuse each one, but must not crash.
    /// A checkpoint cut short after its header was read (another program rewriting it in
    /// place) is an error when its tensors are read, not SIGBUS: the file is read, not mapped.
    func testACheckpointCutShortWhileReadIsAnError() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus)
        let path = folder.appendingPathComponent("cut.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil).write(to: path)
        let file = try SafeTensors(contentsOf: path)
        // Cut 4 bytes into the tensor data: every tensor now ends past the end of the file.
        let lengthBytes = try XCTUnwrap(FileManager.default.contents(atPath: path)).prefix(8)
        let headerLength = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(truncate(path, off_t(8 + headerLength + 4)), 0)
        for name in ["decoder.weight", "optim.decoder.weight.exp_avg_sq"] {
            XCTAssertThrowsError(try file.tensor(name), name) { error in
                XCTAssertTrue("\(error)".contains("\(path) was cut short while it was read"), "\(error)")
            }
        }
    }

    func testFuzzedCheckpointsNeverCrashTheReader() throws {
        let valid = try validCheckpointBytes()
        let headerLength = Int(valid.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var random = RandomGenerator(seed: 2024)
        var refused = 0
        for round in 0..<10_000 {
            var data = valid
            switch round % 5 {
            case 0:  // flip bytes in the header, where the structure is
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let index = 8 + Int(random.next() % UInt64(headerLength))
                    data[index] ^= UInt8(1 << (random.next() % 8))
                }
            case 1:  // overwrite header bytes with digits, brackets and quotes
                let alphabet = Array("0123456789[]{}\":,-.e ".utf8)
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    data[8 + Int(random.next() % UInt64(headerLength))] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                }
            case 2:  // truncate anywhere
                data = data.prefix(Int(random.next() % UInt64(data.count)))
            case 3:  // a random header length
                let length = random.next() % UInt64(data.count * 2)
                data.replaceSubrange(0..<8, with: withUnsafeBytes(of: length.littleEndian) { Array($0) })
            default:  // random bytes anywhere
                for _ in 0..<(1 + Int(random.next() % 16)) {
                    data[Int(random.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do {
                let parsed = try SafeTensors(data: data, name: "fuzz")
                for name in parsed.names { _ = try parsed.tensor(name) }
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 4000, "most mutations must be detected")
    }

    /// Every numeric field of the `config` and `training` metadata (nested ones too) set to
    /// 0, -1, huge, Int.max, Int.min, a fraction, a string and null; every key dropped; an
    /// extra key; vocabularies that disagree with the tensors. Each file must be refused
    /// with one line naming it, or read into a checkpoint that resumes or is refused by
    /// resume with one line, and that evaluates.
    func testEditedMetadataIsRefusedInOneLineOrUsable() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus, dropout: 0)
        trainer.trainStep()
        let validPath = folder.appendingPathComponent("valid.safetensors").path
        try Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: 2).write(to: validPath)
        let original = try SafeTensors(contentsOf: validPath)
        let hostile: [Any] = [0, -1, 1 << 40, Int.max, Int.min, 4_611_686_018_427_387_904, 1.5, 1e300, "7", NSNull(), [1]]

        func object(_ key: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(original.metadata[key]!.utf8)) as? [String: Any])
        }
        func text(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
        }
        var variants: [(String, [String: String])] = []
        for section in ["config", "training"] {
            let base = try object(section)
            for (key, value) in base {
                // Numbers at the top and one level down (optimizer, plateau, schedule).
                var targets: [[String]] = [[key]]
                if let nested = value as? [String: Any] { targets += nested.keys.map { [key, $0] } }
                for target in targets {
                    for replacement in hostile + ["DELETE"] {
                        var edited = base
                        if target.count == 1 {
                            edited[key] = replacement as? String == "DELETE" ? nil : replacement
                        } else {
                            var nested = base[key] as! [String: Any]
                            nested[target[1]] = replacement as? String == "DELETE" ? nil : replacement
                            edited[key] = nested
                        }
                        var metadata = original.metadata
                        metadata[section] = try text(edited)
                        variants.append(("\(section).\(target.joined(separator: ".")) = \(replacement)", metadata))
                    }
                }
            }
            var extra = base
            extra["surprise"] = 12
            var metadata = original.metadata
            metadata[section] = try text(extra)
            variants.append(("\(section) with an extra key", metadata))
        }
        let tokens = corpus.vocabulary.tokens
        for (name, vocabulary) in [("one token short", Array(tokens.dropLast())), ("a repeated token", tokens.dropLast() + [tokens[0]]),
                                   ("a two-character token", tokens.dropLast() + ["ab"]), ("no tokens", [])] {
            var metadata = original.metadata
            metadata["vocab"] = try text(vocabulary)
            variants.append(("vocabulary with \(name)", metadata))
        }
        for key in ["config", "vocab", "training"] {
            var metadata = original.metadata
            metadata[key] = "{not json"
            variants.append(("\(key) not JSON", metadata))
        }

        var refused = 0, resumed = 0
        let path = folder.appendingPathComponent("edited.safetensors").path
        for (name, metadata) in variants {
            var file = original
            file.metadata = metadata
            try file.serialized(order: original.names.sorted()).write(to: URL(fileURLWithPath: path))
            do {
                let checkpoint = try Checkpoint.read(from: path)
                XCTAssertNotNil(Evaluation.loss(model: checkpoint.model, ids: corpus.validationIDs, batch: checkpoint.config.batch,
                                                sequenceLength: checkpoint.config.seq), name)
                do {
                    try checkpoint.resumedTrainer(corpus: corpus).trainStep()
                    resumed += 1
                } catch let error as RecurError {
                    XCTAssertFalse(error.description.contains("\n"), "\(name): \(error)")
                }
            } catch let error as RecurError {
                refused += 1
                XCTAssertFalse(error.description.contains("\n"), "\(name): \(error)")
                XCTAssertTrue(error.description.hasPrefix(path), "\(name): \(error)")
            }
        }
        print("edited metadata: \(variants.count) files, \(refused) refused by the reader, \(resumed) resumed and trained")
        XCTAssertGreaterThan(variants.count, 200)
        XCTAssertGreaterThan(refused, variants.count / 2, "most edits must be refused")
        XCTAssertGreaterThan(resumed, 10, "harmless edits (an extra key, another step count) still resume")
    }

    /// A data position past the end of the streams (as a checkpoint written for a longer
    /// text, or edited, would hold) is refused on resume instead of indexing past the tokens.
    func testResumeRefusesAPositionPastTheStreams() throws {
        let corpus = Corpus(text: Self.text, level: .char)
        let trainer = try makeTrainer(corpus: corpus)
        trainer.trainStep()
        var checkpoint = Checkpoint(trainer: trainer, corpus: corpus, lowercase: false, minCount: 1, validationLoss: nil)
        checkpoint.progress?.position = trainer.streams.streamLength + 1
        XCTAssertThrowsError(try checkpoint.resumedTrainer(corpus: corpus)) { XCTAssertTrue("\($0)".contains("training.position"), "\($0)") }
        checkpoint.progress?.position = trainer.streams.streamLength
        let continued = try checkpoint.resumedTrainer(corpus: corpus)
        XCTAssertTrue(continued.trainStep().applied, "a position at the very end wraps to the start")
    }

    func testStreamsFitWithoutOverflow() {
        let streams = BatchStreams(ids: Corpus(text: Self.text, level: .char).ids[...], batch: 4)
        XCTAssertTrue(streams.fits(position: 0, steps: 12))
        XCTAssertFalse(streams.fits(position: Int.max - 5, steps: 12))
        XCTAssertFalse(streams.fits(position: 0, steps: Int.max))
        XCTAssertFalse(streams.fits(position: -1, steps: 12))
        XCTAssertTrue(streams.fits(position: streams.streamLength - 13, steps: 12))
        XCTAssertFalse(streams.fits(position: streams.streamLength - 12, steps: 12))
    }
}
