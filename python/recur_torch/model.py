"""Recur's model in PyTorch: Embedding -> stacked RNN/LSTM/GRU -> dropout -> Linear (or
nn.AdaptiveLogSoftmaxWithLoss), under the names Recur's checkpoints use (encoder.weight,
rnn.weight_ih_l0, ..., decoder.bias; decoder.head.weight, decoder.tail.0.0.weight, ...).

Legend: T time steps, B streams (batch), E embedding width, H hidden width, L layers,
V vocabulary.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SigmoidRNN(nn.Module):
    """nn.RNN's parameters and layout with the logistic sigmoid for tanh (nn.RNN offers
    only tanh and relu); dropout between layers as nn.RNN applies it."""

    def __init__(self, embed, hidden, layers, dropout=0.0):
        super().__init__()
        self.hidden, self.layers, self.dropout = hidden, layers, dropout
        bound = hidden ** -0.5
        for layer in range(layers):
            width = embed if layer == 0 else hidden
            for name, shape in [("weight_ih", (hidden, width)), ("weight_hh", (hidden, hidden)),
                                ("bias_ih", (hidden,)), ("bias_hh", (hidden,))]:
                setattr(self, f"{name}_l{layer}", nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))

    def forward(self, x, h):
        """x (T, B, E), h (L, B, H) -> outputs (T, B, H) of the last layer, h_T (L, B, H)."""
        states = []
        for layer in range(self.layers):
            if layer > 0 and self.training and self.dropout > 0:
                x = nn.functional.dropout(x, self.dropout, training=True)
            w_hh, b_hh = getattr(self, f"weight_hh_l{layer}"), getattr(self, f"bias_hh_l{layer}")
            # The input projection of all T steps in one product: (T, B, H).
            projected = nn.functional.linear(x, getattr(self, f"weight_ih_l{layer}"), getattr(self, f"bias_ih_l{layer}"))
            state, outputs = h[layer], []
            for t in range(x.shape[0]):
                state = torch.sigmoid(projected[t] + nn.functional.linear(state, w_hh, b_hh))
                outputs.append(state)
            x = torch.stack(outputs)
            states.append(state)
        return x, torch.stack(states)


class LayerNormRNN(nn.Module):
    """Recur's layer-normalised cells (--norm layer), step by step in plain torch ops, under
    nn.RNN/LSTM/GRU's names plus nn.LayerNorm's for the norms (`layer_norm_ih_l0.weight`, ...):

        a = LN_ih(W_ih x) + b_ih,  p = LN_hh(W_hh h) + b_hh   (each LN over all G = 1, 4 or 3·H)
        RNN:  h = f(a + p)
        LSTM: [i f g o] = σ, σ, tanh, σ of a + p;  c = f ⊙ c_prev + i ⊙ g;  h = o ⊙ tanh(LN_c(c)),
              and c itself (not LN_c(c)) is carried, as in Ba et al. (2016)
        GRU:  r, z = σ(a_r + p_r), σ(a_z + p_z);  n = tanh(a_n + r ⊙ p_n);  h = (1 − z) ⊙ n + z ⊙ h_prev

    Gains start at 1 and biases at 0, ε = 1e-5 (nn.LayerNorm's). Dropout between layers
    as nn.RNN applies it."""

    def __init__(self, cell, activation, embed, hidden, layers, dropout=0.0):
        super().__init__()
        self.cell, self.activation, self.hidden, self.layers, self.dropout = cell, activation, hidden, layers, dropout
        G = {"rnn": 1, "lstm": 4, "gru": 3}[cell] * hidden
        bound = hidden ** -0.5
        for layer in range(layers):
            width = embed if layer == 0 else hidden
            for name, shape in [("weight_ih", (G, width)), ("weight_hh", (G, hidden)), ("bias_ih", (G,)), ("bias_hh", (G,))]:
                setattr(self, f"{name}_l{layer}", nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))
            for part, size in [("ih", G), ("hh", G)] + ([("c", hidden)] if cell == "lstm" else []):
                setattr(self, f"layer_norm_{part}_l{layer}", nn.LayerNorm(size, eps=1e-5))

    def _nonlinearity(self, x):
        return {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[self.activation](x)

    def forward(self, x, state):
        """x (T, B, E), state h (L, B, H) or (h, c) for LSTM -> outputs (T, B, H) of the last
        layer, and the state after T steps."""
        lstm = self.cell == "lstm"
        h0, c0 = state if lstm else (state, None)
        H, hs, cs = self.hidden, [], []
        for layer in range(self.layers):
            if layer > 0 and self.training and self.dropout > 0:
                x = F.dropout(x, self.dropout, training=True)
            get = lambda name: getattr(self, f"{name}_l{layer}")  # noqa: E731
            # The input part of all T steps at once: (T, B, G).
            inputs = get("layer_norm_ih")(F.linear(x, get("weight_ih"))) + get("bias_ih")
            h, c, outputs = h0[layer], (c0[layer] if lstm else None), []
            for t in range(x.shape[0]):
                a, p = inputs[t], get("layer_norm_hh")(F.linear(h, get("weight_hh"))) + get("bias_hh")
                if self.cell == "rnn":
                    h = self._nonlinearity(a + p)
                elif lstm:
                    i, f, g, o = (a + p).split(H, dim=-1)
                    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    h = torch.sigmoid(o) * torch.tanh(get("layer_norm_c")(c))
                else:
                    a_r, a_z, a_n = a.split(H, dim=-1)
                    p_r, p_z, p_n = p.split(H, dim=-1)
                    r, z = torch.sigmoid(a_r + p_r), torch.sigmoid(a_z + p_z)
                    n = torch.tanh(a_n + r * p_n)
                    h = (1 - z) * n + z * h
                outputs.append(h)
            x = torch.stack(outputs)
            hs.append(h)
            cs.append(c)
        return x, ((torch.stack(hs), torch.stack(cs)) if lstm else torch.stack(hs))


class LanguageModel(nn.Module):
    """Embedding -> stacked cell (dropout between layers) -> dropout -> Linear, the places
    Recur's TrainingGraph applies its dropout masks: every recurrent layer's output is
    dropped, the embedding is not (nn.LSTM's own dropout placement, plus one before the
    decoder)."""

    def __init__(self, cell, activation, vocab, embed, hidden, layers, dropout=0.0, tie_weights=False,
                 softmax="full", cutoffs=(), div_value=4.0, norm="none"):
        super().__init__()
        self.cell, self.layers, self.hidden = cell, layers, hidden
        self.encoder = nn.Embedding(vocab, embed)
        between = dropout if layers > 1 else 0.0
        if norm == "layer":
            self.rnn = LayerNormRNN(cell, activation, embed, hidden, layers, dropout=between)
        elif cell == "lstm":
            self.rnn = nn.LSTM(embed, hidden, layers, dropout=between)
        elif cell == "gru":
            self.rnn = nn.GRU(embed, hidden, layers, dropout=between)
        elif activation == "sigmoid":
            self.rnn = SigmoidRNN(embed, hidden, layers, dropout=between)
        else:
            self.rnn = nn.RNN(embed, hidden, layers, nonlinearity=activation, dropout=between)
        self.drop = nn.Dropout(dropout)
        self.adaptive = softmax == "adaptive"
        if self.adaptive:
            # head_bias=False, PyTorch's default and Recur's layout.
            self.decoder = nn.AdaptiveLogSoftmaxWithLoss(hidden, vocab, list(cutoffs), div_value=div_value)
        else:
            self.decoder = nn.Linear(hidden, vocab)
        if tie_weights:
            # PyTorch's tying (word_language_model --tied): one Parameter under both names,
            # so its gradient is the sum of both uses, as in Recur.
            self.decoder.weight = self.encoder.weight

    def zero_state(self, batch, device="cpu"):
        """The zero state: h (L, B, H), and (h, c) for LSTM."""
        h = torch.zeros(self.layers, batch, self.hidden, device=device)
        return (h, h.clone()) if self.cell == "lstm" else h

    def forward(self, inputs, state, targets=None):
        """inputs (T, B) token ids, state as zero_state -> scores (T, B, V), state: logits
        of the full softmax, log-probabilities of the adaptive one (either gives the
        distribution through softmax). With targets (T, B): -log p(target) (T, B), state,
        the adaptive softmax computing only the clusters the targets need."""
        output, state = self.rnn(self.encoder(inputs), state)
        output = self.drop(output)
        if targets is None:
            if self.adaptive:
                return self.decoder.log_prob(output.reshape(-1, output.shape[-1])).reshape(*output.shape[:2], -1), state
            return self.decoder(output), state
        if self.adaptive:
            log_p = self.decoder(output.reshape(-1, output.shape[-1]), targets.reshape(-1)).output
            return -log_p.reshape(targets.shape), state
        return -F.log_softmax(self.decoder(output), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1), state


def detach_state(state):
    """The carried state cut from the graph (truncated BPTT)."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def state_tensors(state):
    """The state as a list: [h] or [h, c], each (L, B, H)."""
    return list(state) if isinstance(state, tuple) else [state]


def state_from(tensors, cell):
    """Inverse of state_tensors."""
    return (tensors[0], tensors[1]) if cell == "lstm" else tensors[0]


def model_from(config, tensors=None):
    """The model a Recur `config` describes (checkpoint metadata keys), with `tensors`
    (name -> tensor) loaded when given; a frozen embedding gets no gradient."""
    model = LanguageModel(config["cell"], config["activation"], config["vocab_size"], config["embed"],
                          config["hidden"], config["layers"], config.get("dropout", 0.0), config.get("tie_weights", False),
                          config.get("softmax", "full"), config.get("cutoffs", []), config.get("div_value", 4.0),
                          config.get("norm", "none"))
    if tensors is not None:
        model.load_state_dict({name: tensors[name] for name in model.state_dict()})
    if config.get("freeze_embed"):
        model.encoder.weight.requires_grad_(False)
    return model


def parameter_names(model):
    """Names in Recur's layout order (PyTorch's state_dict order), tied names included (a
    layer-normalised model's norms come after all layers' weights here; the checkpoint
    writer orders by layout)."""
    return list(model.state_dict().keys())
