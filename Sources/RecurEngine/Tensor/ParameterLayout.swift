// Where each named tensor of a model lives inside its single flat parameter buffer.
// One allocation for all parameters keeps the optimizer, clipping and checkpointing to
// single loops (as llm.c does), while names and shapes follow PyTorch exactly.

/// One named tensor inside a flat buffer.
public struct TensorSlot: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    /// Another name for the storage of the slot called so (tied weights): it has that
    /// slot's offset and adds nothing to the buffer.
    public var aliasOf: String?
    public var count: Int { shape.reduce(1, *) }
}

/// The ordered list of a model's tensors and their offsets in the flat buffer.
public struct ParameterLayout: Sendable, Equatable {
    public let slots: [TensorSlot]
    public let totalCount: Int

    /// `aliases` maps a name to the (earlier) slot whose storage it shares.
    public init(_ namedShapes: [(String, [Int])], aliases: [String: String] = [:]) {
        var offset = 0
        var slots: [TensorSlot] = []
        for (name, shape) in namedShapes {
            if let target = aliases[name], let shared = slots.first(where: { $0.name == target }) {
                precondition(shared.shape == shape, "an alias must have its target's shape")
                slots.append(TensorSlot(name: name, shape: shape, offset: shared.offset, aliasOf: target))
                continue
            }
            let slot = TensorSlot(name: name, shape: shape, offset: offset)
            slots.append(slot)
            offset += slot.count
        }
        self.slots = slots
        self.totalCount = offset
    }

    /// The slot called `name`; a missing name is a programming error.
    public subscript(name: String) -> TensorSlot {
        guard let slot = slots.first(where: { $0.name == name }) else {
            preconditionFailure("no tensor named \(name)")
        }
        return slot
    }

    public func contains(_ name: String) -> Bool { slots.contains { $0.name == name } }
}
