"""Dropout lands where Recur's TrainingGraph puts its masks: between layers and before the
decoder, never on the embedding (so Recur's layer 0 can read its token table)."""
import torch

from recur_torch.model import LanguageModel


def rnn_input_and_decoder_input(layers, dropout=0.5):
    torch.manual_seed(0)
    model = LanguageModel("lstm", "tanh", vocab=7, embed=5, hidden=6, layers=layers, dropout=dropout)
    model.train()
    seen = {}
    model.rnn.register_forward_hook(lambda module, inputs, outputs: seen.update(rnn_in=inputs[0], rnn_out=outputs[0]))
    model.decoder.register_forward_hook(lambda module, inputs, outputs: seen.update(decoder_in=inputs[0]))
    tokens = torch.randint(0, 7, (9, 4))
    model(tokens, model.zero_state(4), torch.randint(0, 7, (9, 4)))
    return model.encoder(tokens), seen


def test_the_embedding_is_not_dropped():
    embedded, seen = rnn_input_and_decoder_input(layers=1)
    assert torch.equal(seen["rnn_in"], embedded)


def test_the_top_layer_is_dropped_before_the_decoder():
    _, seen = rnn_input_and_decoder_input(layers=1)
    dropped = seen["decoder_in"] == 0
    assert dropped.any() and not torch.equal(seen["decoder_in"], seen["rnn_out"])
    kept = ~dropped
    assert torch.allclose(seen["decoder_in"][kept], seen["rnn_out"][kept] * 2)


def test_two_layers_drop_between_them():
    model = LanguageModel("gru", "tanh", vocab=7, embed=5, hidden=6, layers=2, dropout=0.3)
    assert model.rnn.dropout == 0.3
