#!/usr/bin/python3
"""Writes the PyTorch import fixtures in test/interop/fixtures/: real torch.onnx.export graphs of
nn.LSTM + nn.Linear models, the input rows they are checked on (NAME.csv) and PyTorch's own
outputs on those rows (NAME.expected.json), so the tests need neither Python nor PyTorch.

Run with Debian's interpreter and packages (apt-get install python3-torch python3-onnx; no pip):
    /usr/bin/python3 scripts/make-onnx-fixtures.py

Each case is a seeded random model (no training: the import maps weights, whatever they are).
Window cases ("last"): the output of the last step after a zero initial state, computed for every
window of `window` consecutive rows ending at row j (j = window-1 ... rows-1), as seqforge's window
mode with horizon 0 runs them. Stream cases ("every"): one sequence over all rows, the output at
every step, as seqforge's stream mode with horizon 0. The unmappable cases (GRU, RNN,
bidirectional, a non-linear head) are exported the same way and only need to be refused.
"""
import json
import os
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "interop", "fixtures")
ROWS = 40


class Net(nn.Module):
    """An LSTM (or another recurrent layer) and a Linear head on the last step or on every step."""

    def __init__(self, rnn, hidden, outputs, head, batch_first, after=None):
        super().__init__()
        self.rnn = rnn
        self.fc = nn.Linear(hidden, outputs)
        self.head = head
        self.batch_first = batch_first
        self.after = after

    def forward(self, x):
        y, _ = self.rnn(x)
        if self.head == "last":
            y = y[:, -1, :] if self.batch_first else y[-1]
        y = self.fc(y)
        return self.after(y) if self.after is not None else y


# name, features, hidden, layers, outputs, head, batch_first, opset, dynamic axes, window
CASES = [
    ("torch-1layer-last", 3, 8, 1, 1, "last", False, 13, False, 6),
    ("torch-2layer-batchfirst-dynamic", 4, 16, 2, 2, "last", True, 17, True, 5),
    ("torch-stream-every-step", 2, 12, 1, 1, "every", False, 15, True, None),
    ("torch-hidden64", 5, 64, 1, 1, "last", False, 14, False, 4),
    ("torch-3layer-stream-batchfirst", 3, 10, 3, 2, "every", True, 16, True, None),
    # Time-major with two layers: the export builds layer 1's zero state from the Shape of layer 0's output.
    ("torch-2layer-timemajor", 2, 6, 2, 1, "last", False, 14, False, 3),
]

# Exported only to be refused: name, the recurrent layer, head, an activation after the head.
REFUSED = [
    ("refuse-gru", lambda: nn.GRU(3, 8), "last", None),
    ("refuse-rnn", lambda: nn.RNN(3, 8), "last", None),
    ("refuse-bidirectional", lambda: nn.LSTM(3, 8, bidirectional=True), "last", None),
    ("refuse-relu-head", lambda: nn.LSTM(3, 8), "last", nn.ReLU()),
]


def export(net, x, path, opset, dynamic, batch_first, head):
    axes = None
    if dynamic:
        t, b = (1, 0) if batch_first else (0, 1)
        axes = {"x": {t: "time", b: "batch"}, "y": {0: "batch"} if head == "last" else {t: "time", b: "batch"}}
    torch.onnx.export(net, (x,), path, input_names=["x"], output_names=["y"], dynamic_axes=axes, opset_version=opset)


def window_outputs(net, rows, window, batch_first):
    """Every window of `window` rows as one batch: outputs[k] is for row window-1+k."""
    wins = torch.stack([rows[j - window + 1 : j + 1] for j in range(window - 1, len(rows))], dim=0)  # [B, T, F]
    x = wins if batch_first else wins.transpose(0, 1)
    with torch.no_grad():
        return net(x), list(range(window - 1, len(rows)))


def stream_outputs(net, rows, batch_first):
    """One sequence over every row (batch 1): outputs[t] is the output after row t."""
    x = rows.unsqueeze(0) if batch_first else rows.unsqueeze(1)
    with torch.no_grad():
        y = net(x)
    y = y[0] if batch_first else y[:, 0]
    return y, list(range(len(rows)))


def write_case(name, features, hidden, layers, outputs, head, batch_first, opset, dynamic, window, seed):
    torch.manual_seed(seed)
    net = Net(nn.LSTM(features, hidden, layers, batch_first=batch_first), hidden, outputs, head, batch_first).eval()
    rows = torch.randn(ROWS, features)
    # The export's example input: a window (last-step head) or a short sequence (every-step head).
    steps = window if window else 7
    example = torch.randn(2, steps, features) if batch_first else torch.randn(steps, 2, features)
    export(net, example, os.path.join(OUT, f"{name}.onnx"), opset, dynamic, batch_first, head)

    y, predicted = window_outputs(net, rows, window, batch_first) if head == "last" else stream_outputs(net, rows, batch_first)
    names = [f"x{k}" for k in range(features)]
    with open(os.path.join(OUT, f"{name}.csv"), "w") as f:
        f.write(",".join(names) + "\n")
        for r in rows.tolist():
            f.write(",".join(repr(v) for v in r) + "\n")
    expected = {
        "source": f"torch {torch.__version__}, scripts/make-onnx-fixtures.py",
        "features": names,
        "targets": [f"y{k}" for k in range(outputs)],
        "mode": "window" if head == "last" else "stream",
        "window": window,
        "dynamicAxes": dynamic,
        "opset": opset,
        "layers": layers,
        "hidden": hidden,
        "rows": predicted,
        "outputs": y.tolist(),
    }
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def write_refused(name, make_rnn, head, after, seed):
    torch.manual_seed(seed)
    rnn = make_rnn()
    hidden = rnn.hidden_size * (2 if rnn.bidirectional else 1)
    net = Net(rnn, hidden, 1, head, False, after).eval()
    export(net, torch.randn(5, 2, 3), os.path.join(OUT, f"{name}.onnx"), 14, False, False, head)


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, case in enumerate(CASES, start=1):
        write_case(*case, seed=seed)
    for seed, (name, make_rnn, head, after) in enumerate(REFUSED, start=100):
        write_refused(name, make_rnn, head, after, seed)
    print(f"wrote {len(CASES)} cases and {len(REFUSED)} refused graphs to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
