// Truncated-BPTT batching: the token sequence is cut into B contiguous streams and each
// training step reads the next T tokens of every stream.

/// B streams of n = ⌊count / B⌋ tokens; stream b is ids[b·n, (b+1)·n). A chunk at
/// position p reads inputs [p, p+T) and targets [p+1, p+T+1) of every stream.
public struct BatchStreams: Sendable {
    public let batch: Int
    public let streamLength: Int
    /// The corpus's ids, shared (not copied); stream b starts at `start + b·n`.
    private let ids: TokenIDs
    private let start: Int

    public init(ids: Slice<TokenIDs>, batch: Int) {
        self.batch = batch
        self.streamLength = ids.count / batch
        self.ids = ids.base
        self.start = ids.startIndex
    }

    /// Whether a full chunk of `steps` fits at `position` (it needs one more token for
    /// the last target).
    /// Written so that no sum can overflow, whatever `position` a file claimed.
    public func fits(position: Int, steps: Int) -> Bool {
        position >= 0 && steps >= 0 && steps < streamLength && position <= streamLength - steps - 1
    }

    /// Writes the (steps, B) inputs and targets of the chunk at `position`, row-major
    /// (index t·B + b). `steps` may be shorter than T for the last validation chunk.
    public func fill(position: Int, steps: Int, inputs: UnsafeMutableBufferPointer<Int32>,
                     targets: UnsafeMutableBufferPointer<Int32>) {
        precondition(fits(position: position, steps: steps), "chunk past the end of the streams")
        for b in 0..<batch {
            let base = start + b * streamLength + position
            for t in 0..<steps {
                inputs[t * batch + b] = ids[base + t]
                targets[t * batch + b] = ids[base + t + 1]
            }
        }
    }
}
