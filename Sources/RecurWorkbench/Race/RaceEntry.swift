// One model of an architecture race, as the race panes show it.
import RecurEngine

/// One model of an architecture race.
public struct RaceEntry {
    public var name: String
    public var losses: [LossPoint] = []
    public var validationLosses: [LossPoint] = []
    public var tokensPerSecond = 0.0
    public var step = 0
    public var model: LanguageModel?
    public var sample = ""

    public init(name: String) { self.name = name }
}
