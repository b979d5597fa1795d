// One model of an architecture race, as the race panes show it.
import RecurEngine

/// One model of an architecture race.
struct RaceEntry {
    var name: String
    var losses: [LossPoint] = []
    var validationLosses: [LossPoint] = []
    var tokensPerSecond = 0.0
    var step = 0
    var model: LanguageModel?
    var sample = ""

    init(name: String) { self.name = name }
}
