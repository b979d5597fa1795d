// The name a model's cell goes by in the hidden-state pane's title and the race's legend.
import XCTest
@testable import RecurEngine

final class CellNameTests: XCTestCase {
    func testTheCellNameSaysTheActivationAndTheNorm() {
        var config = ModelConfig(cell: .lstm, vocabularySize: 5, embed: 3, hidden: 4, layers: 1)
        XCTAssertEqual(config.cellName, "LSTM")
        config.norm = .layer
        XCTAssertEqual(config.cellName, "LSTM LN")
        config.cell = .rnn
        config.activation = .relu
        XCTAssertEqual(config.cellName, "RNN relu LN")
        config.norm = .none
        config.cell = .gru
        XCTAssertEqual(config.cellName, "GRU")
    }
}
