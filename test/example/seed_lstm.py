#!/usr/bin/env python3
"""The seed's example run (a minimal numpy LSTM), re-written from its description in
docs/seed-example.md: the reference that `seqforge example seed` is compared
against, digit for digit, and the numpy side of `make bench-train`.

Same algorithm as the seed: every gate matrix and bias drawn by rand_arr(-0.1, 0.1, ...), which
reseeds numpy's legacy MT19937 with 0 first (so the four gates start identical); inputs drawn by
np.random.random right after the last bias; cell g = tanh, i, f, o = sigmoid, s = g*i + s_prev*f,
h = s*o; loss = sum over steps of (h[0] - y)^2; gradients accumulated over the sequence, then
plain SGD. Prints the seed's lines, or with --bench times one iteration.

  seed_lstm.py [--x-dim 50] [--cells 100] [--targets -0.5,0.2,0.1,-0.5] [--iters 100] [--lr 0.1]
  seed_lstm.py --bench --x-dim 8 --cells 32 --steps 32 [--reps 2000]
"""
import argparse
import json
import sys
import time

import numpy as np


def sigmoid(x):
    return 1.0 / (1 + np.exp(-x))


def rand_arr(a, b, *shape):
    # The seed reseeds before every array: all weight matrices (and all biases) start equal.
    np.random.seed(0)
    return np.random.rand(*shape) * (b - a) + a


class Param:
    def __init__(self, cells, x_dim):
        n = x_dim + cells
        self.cells, self.x_dim = cells, x_dim
        self.w = {k: rand_arr(-0.1, 0.1, cells, n) for k in "gifo"}
        self.b = {k: rand_arr(-0.1, 0.1, cells) for k in "gifo"}
        self.dw = {k: np.zeros((cells, n)) for k in "gifo"}
        self.db = {k: np.zeros(cells) for k in "gifo"}

    def apply_diff(self, lr):
        for k in "gifo":
            self.w[k] -= lr * self.dw[k]
            self.b[k] -= lr * self.db[k]
            self.dw[k] = np.zeros_like(self.w[k])
            self.db[k] = np.zeros_like(self.b[k])


class Node:
    """One time step: forward keeps what backward needs."""

    def forward(self, p, x, s_prev, h_prev):
        self.s_prev = s_prev
        self.xc = np.hstack((x, h_prev))
        self.g = np.tanh(np.dot(p.w["g"], self.xc) + p.b["g"])
        self.i = sigmoid(np.dot(p.w["i"], self.xc) + p.b["i"])
        self.f = sigmoid(np.dot(p.w["f"], self.xc) + p.b["f"])
        self.o = sigmoid(np.dot(p.w["o"], self.xc) + p.b["o"])
        self.s = self.g * self.i + s_prev * self.f
        self.h = self.s * self.o

    def backward(self, p, dh, ds_next):
        ds = self.o * dh + ds_next
        dz = {
            "o": self.o * (1 - self.o) * (self.s * dh),
            "i": self.i * (1 - self.i) * (self.g * ds),
            "f": self.f * (1 - self.f) * (self.s_prev * ds),
            "g": (1.0 - self.g ** 2) * (self.i * ds),
        }
        dxc = np.zeros_like(self.xc)
        for k in "ifog":
            p.dw[k] += np.outer(dz[k], self.xc)
            p.db[k] += dz[k]
            dxc += np.dot(p.w[k].T, dz[k])
        return dxc[p.x_dim:], ds * self.f


def iteration(p, nodes, xs, ys):
    """Forward over the sequence, the seed's loss and BPTT; returns (h[0] per step, loss)."""
    cells = p.cells
    s, h = np.zeros(cells), np.zeros(cells)
    for node, x in zip(nodes, xs):
        node.forward(p, x, s, h)
        s, h = node.s, node.h
    preds = [node.h[0] for node in nodes]
    loss = 0.0
    dh_next, ds_next = np.zeros(cells), np.zeros(cells)
    for t in range(len(ys) - 1, -1, -1):
        node = nodes[t]
        loss += (node.h[0] - ys[t]) ** 2
        dh = np.zeros(cells)
        dh[0] = 2 * (node.h[0] - ys[t])
        dh_next, ds_next = node.backward(p, dh + dh_next, ds_next)
    return preds, loss


def setup(x_dim, cells, steps):
    p = Param(cells, x_dim)
    xs = [np.random.random(x_dim) for _ in range(steps)]
    return p, [Node() for _ in range(steps)], xs


def line(it, preds, loss):
    return ("iter %2s: " % str(it)) + "y_pred = [" + ", ".join(["% 2.5f" % v for v in preds]) + "], " + "loss: " + ("%.3e" % loss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--x-dim", type=int, default=50)
    ap.add_argument("--cells", type=int, default=100)
    ap.add_argument("--targets", default="-0.5,0.2,0.1,-0.5")
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--bench", action="store_true", help="time one iteration instead of printing")
    ap.add_argument("--steps", type=int, help="sequence length for --bench (targets drawn in [-0.5, 0.5))")
    ap.add_argument("--reps", type=int, default=1000)
    a = ap.parse_args()
    if a.bench:
        steps = a.steps or len(a.targets.split(","))
        p, nodes, xs = setup(a.x_dim, a.cells, steps)
        ys = list(np.linspace(-0.5, 0.5, steps))
        for _ in range(max(10, a.reps // 20)):  # warm-up
            iteration(p, nodes, xs, ys)
            p.apply_diff(a.lr)
        best = float("inf")
        # Best of 5 batches of reps: the least disturbed by other load on a shared machine.
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(a.reps):
                iteration(p, nodes, xs, ys)
                p.apply_diff(a.lr)
            best = min(best, (time.perf_counter() - t0) / a.reps)
        print(json.dumps({"usPerIter": best * 1e6, "reps": a.reps, "numpy": np.__version__}))
        return
    ys = [float(v) for v in a.targets.split(",")]
    np.random.seed(0)
    p, nodes, xs = setup(a.x_dim, a.cells, len(ys))
    for it in range(a.iters):
        preds, loss = iteration(p, nodes, xs, ys)
        print(line(it, preds, loss))
        p.apply_diff(a.lr)


if __name__ == "__main__":
    sys.exit(main())
