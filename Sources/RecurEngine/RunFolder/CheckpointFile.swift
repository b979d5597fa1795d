// A checkpoint found in a run folder, as a listing sees it: enough to tell a new file
// from one already read.
import Foundation

/// A `step-NNNNNNNN.safetensors` file: its name, step, and modification time and size
/// (a file being copied changes them, so it is read again).
public struct CheckpointFile: Sendable, Equatable {
    public var name: String
    public var step: Int
    public var modified: Date
    public var size: Int

    public init(name: String, step: Int, modified: Date, size: Int) {
        self.name = name
        self.step = step
        self.modified = modified
        self.size = size
    }
}
