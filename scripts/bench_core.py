"""Benchmark: the core's steps per second against a plain NumPy loop and PyTorch.

Run from the repository root, with one BLAS thread and OpenBLAS left to detect the CPU:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python scripts/bench_core.py   # 9 rounds of ~0.2 s
    python scripts/bench_core.py --quick    # 5 rounds of about 0.05 s: a rough look

Every case is a tanh network trained with softmax cross-entropy on fixed random data
(`np.random.default_rng(0)`, one-hot targets). Each case times, side by side:

- `step`: `Network.step`, the public call, which checks X, Y and η on every call;
- `update`: `Network.update` on a batch checked once and without δ^1, as `Trainer.step` calls it;
- `plain`: the same math written as a minimal NumPy loop (`plain_step`): no checks, no
  δ^1, no divergence test, W and b updated in place;
- `torch`: the idiomatic PyTorch equivalent: `nn.Linear` layers with tanh between them,
  `F.cross_entropy` (mean over the batch, fed the same one-hot rows), `loss.backward()`,
  `torch.optim.SGD(lr).step()` and `zero_grad(set_to_none=True)`, in float64 with
  `torch.set_num_threads(1)`.

All sides start from the same weights, and one step of each is compared with the core's
before timing. `--trainer` adds `Trainer.step` as the app calls it (the core's update plus
the batch order, the test loss, the norms and the history) on the circles at 2-8-8-2, B = 1,
against the plain loop at the same shape; and the wall time of Run 10,000 (`Trainer.run`,
as the Run button calls it, without the pauses a long run makes for other sessions) at the
default network (`Config()`: circles, 2-8-8-2, B = 16), against 10,000 plain steps on the
same training rows, batch after batch, in alternating rounds (`--run-rounds`, default 5).

The sides are timed in interleaved rounds (the order flips every round), so that noise from
other work on the machine hits all of them; the table reports the median over rounds and
ratios of medians. PyTorch is optional: without it the torch columns show "-".
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from explorer.core import Network
from explorer.model.training import Config, Trainer

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:  # the benchmark runs without PyTorch, NumPy column only
    torch = None

try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None

LEARNING_RATE = 0.01  # small, so that nothing diverges over many thousands of steps
ACTIVATION = "tanh"
LOSS = "cross_entropy"


@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]
    batch: int
    goal: float  # the ratio NumPy/PyTorch steps per second to reach


CASES = (
    Case("A", (2, 8, 8, 2), 1, 6.0),
    Case("B", (2, 8, 8, 2), 32, 6.0),
    Case("E", (2, 16, 16, 16, 2), 64, 6.0),
    Case("D", (784, 256, 128, 10), 128, 1.5),
)

Step = Callable[[], object]


def make_data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """A fixed random batch X (B, |l_1|) and one-hot targets Y (B, |l_n|)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((case.batch, case.sizes[0]))
    labels = rng.integers(0, case.sizes[-1], size=case.batch)
    Y = np.eye(case.sizes[-1])[labels]
    return X, Y


def new_network(case: Case) -> Network:
    return Network(sizes=list(case.sizes), activation=ACTIVATION, loss=LOSS, seed=0)


def numpy_step(net: Network, X: np.ndarray, Y: np.ndarray) -> Step:
    return lambda: net.step(X, Y, LEARNING_RATE)


def update_step(net: Network, X: np.ndarray, Y: np.ndarray) -> Step:
    X, Y = net.check_batch(X, Y)  # once, as a Trainer does
    return lambda: net.update(X, Y, LEARNING_RATE, input_delta=False)


def plain_step(W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray, lr: float) -> float:
    """One SGD step of a tanh network with softmax cross-entropy, written as a minimal loop
    would be: the reference the core is measured against. Updates W and b in place."""
    a = [X]
    for k in range(len(W)):
        z = a[k] @ W[k] + b[k]
        a.append(np.tanh(z) if k < len(W) - 1 else z)
    shifted = a[-1] - a[-1].max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(np.vdot(Y, log_p)) / len(X)
    delta = np.exp(log_p) - Y
    for k in range(len(W) - 1, -1, -1):
        dW = a[k].T @ delta / len(X)
        db = delta.sum(axis=0, keepdims=True) / len(X)
        if k > 0:
            delta = delta @ W[k].T * (1.0 - a[k] * a[k])
        W[k] -= lr * dW
        b[k] -= lr * db
    return loss


def plain(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], Step]:
    """Copies of `net`'s W and b, and one plain step on them."""
    W, b = [W.copy() for W in net.W], [b.copy() for b in net.b]
    return W, b, lambda: plain_step(W, b, X, Y, LEARNING_RATE)


def check_plain(case: Case, X: np.ndarray, Y: np.ndarray) -> None:
    """One step of the plain loop and of the core from the same weights must agree."""
    net = new_network(case)
    W, b, step = plain(net, X, Y)
    loss_plain, loss_core = step(), net.step(X, Y, LEARNING_RATE).loss
    same = np.isclose(loss_plain, loss_core, rtol=1e-12, atol=0.0) and all(
        np.allclose(p, q, rtol=1e-12, atol=1e-15) for p, q in zip(net.W + net.b, W + b)
    )
    if not same:
        sys.exit(f"case {case.name}: the plain loop and the core disagree after one step")


def torch_step(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[Any, Step]:
    """The same network as `net` (same starting weights) in PyTorch, and one SGD step on it."""
    assert torch is not None
    layers: list[nn.Module] = []
    for k, (W, b) in enumerate(zip(net.W, net.b)):
        linear = nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T))  # nn.Linear computes x Wᵀ + b
            linear.bias.copy_(torch.from_numpy(b[0]))
        layers.append(linear)
        if k < len(net.W) - 1:
            layers.append(nn.Tanh())
    model = nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X_t), Y_t)  # one-hot rows as probabilities; batch mean
        loss.backward()
        optimizer.step()
        return loss.item()

    return model, step


def check_same_step(case: Case, X: np.ndarray, Y: np.ndarray) -> None:
    """One step of each from the same weights must give the same loss and new weights."""
    net = new_network(case)
    model, step_t = torch_step(net, X, Y)  # copies the weights before the NumPy step
    loss_np = net.step(X, Y, LEARNING_RATE).loss
    loss_t = step_t()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    W_t = [m.weight.detach().numpy().T for m in linears]
    b_t = [m.bias.detach().numpy()[None, :] for m in linears]
    same = np.isclose(loss_np, loss_t, rtol=1e-9, atol=0.0) and all(
        np.allclose(p, q, rtol=1e-9, atol=1e-12) for p, q in zip(net.W + net.b, W_t + b_t)
    )
    if not same:
        sys.exit(f"case {case.name}: NumPy and PyTorch disagree after one step ({loss_np!r} vs {loss_t!r})")


def steps_per_round(step: Step, seconds: float) -> int:
    """How many steps take about `seconds`, after a warm-up."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            step()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 10:
            return max(1, round(n * seconds / elapsed))
        n *= 2


def timed_rate(step: Step, n: int) -> float:
    """Steps per second over n consecutive steps."""
    start = time.perf_counter()
    for _ in range(n):
        step()
    return n / (time.perf_counter() - start)


# The core's update may take at most 1.5× the time of the plain loop: a rate ratio of 1/1.5.
PLAIN_GOAL = 1 / 1.5


@dataclass(frozen=True)
class Result:
    case: Case
    rates: dict[str, float]  # side -> median steps per second

    def ratio(self, side: str, reference: str) -> float | None:
        if side not in self.rates or reference not in self.rates:
            return None
        return self.rates[side] / self.rates[reference]


def interleaved(steps: dict[str, Step], rounds: int, seconds: float) -> dict[str, float]:
    """Median steps per second of each side over rounds, the sides' order flipping every round."""
    counts = {name: steps_per_round(step, seconds) for name, step in steps.items()}
    rates: dict[str, list[float]] = {name: [] for name in steps}
    order = list(steps)
    for _ in range(rounds):
        for name in order:
            rates[name].append(timed_rate(steps[name], counts[name]))
        order.reverse()
    return {name: statistics.median(values) for name, values in rates.items()}


def measure(case: Case, rounds: int, seconds: float, with_torch: bool) -> Result:
    X, Y = make_data(case)
    check_plain(case, X, Y)
    steps: dict[str, Step] = {
        "step": numpy_step(new_network(case), X, Y),
        "update": update_step(new_network(case), X, Y),
        "plain": plain(new_network(case), X, Y)[2],
    }
    if with_torch:
        check_same_step(case, X, Y)
        steps["torch"] = torch_step(new_network(case), X, Y)[1]
    return Result(case, interleaved(steps, rounds, seconds))


def measure_trainer(rounds: int, seconds: float) -> dict[str, float]:
    """`Trainer.step` on the circles at 2-8-8-2, B = 1, against the plain loop at that shape."""
    trainer = Trainer.from_config(Config(dataset="circles", hidden=(8, 8), batch=1, lr=LEARNING_RATE))
    X, Y = make_data(CASES[0])
    return interleaved({"trainer": trainer.step, "plain": plain(new_network(CASES[0]), X, Y)[2]}, rounds, seconds)


RUN_STEPS = 10_000


def measure_run(rounds: int, n: int = RUN_STEPS) -> dict[str, float]:
    """Median wall seconds of `Trainer.run(n)` from a fresh default trainer, and of n plain steps
    at its shape, batch and learning rate over its training rows in order; alternating rounds."""
    config = Config()
    rows = Trainer.from_config(config)
    batches = [(rows.X_train[k : k + config.batch], rows.Y_train[k : k + config.batch])
               for k in range(0, len(rows.X_train), config.batch)]

    def trainer() -> float:
        t = Trainer.from_config(config)
        start = time.perf_counter()
        t.run(n)
        return time.perf_counter() - start

    def plain_loop() -> float:
        W, b = [W.copy() for W in rows.net.W], [b.copy() for b in rows.net.b]
        start = time.perf_counter()
        for k in range(n):
            plain_step(W, b, *batches[k % len(batches)], config.lr)
        return time.perf_counter() - start

    sides: dict[str, Callable[[], float]] = {"run": trainer, "plain": plain_loop}
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    order = list(sides)
    for _ in range(rounds):
        for name in order:
            seconds[name].append(sides[name]())
        order.reverse()
    return {name: statistics.median(values) for name, values in seconds.items()}


def header(limited: bool) -> list[str]:
    """Versions and thread pools, as in force while timing."""
    lines = [
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        + (
            f"PyTorch {torch.__version__} ({torch.get_num_threads()} thread)"
            if torch is not None
            else "torch not installed"
        )
    ]
    if threadpoolctl is None:
        lines.append("thread pools: threadpoolctl not installed, NumPy's BLAS threads unknown and not limited")
    else:
        for pool in sorted(threadpoolctl.threadpool_info(), key=lambda pool: pool["filepath"]):
            name = " ".join(str(pool[key]) for key in ("internal_api", "version", "architecture") if pool.get(key))
            limit = " (--blas-threads)" if limited and pool["user_api"] == "blas" else ""
            lines.append(
                f"{pool['user_api']}: {name}, {pool['num_threads']} thread(s){limit}, "
                f"{os.path.basename(pool['filepath'])}"
            )
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        if name in os.environ:
            lines.append(f"{name}={os.environ[name]}")
    lines.append(f"cores: {os.cpu_count()}, lr {LEARNING_RATE}, {ACTIVATION}, {LOSS}")
    return lines


def table(results: list[Result]) -> list[str]:
    rows = [("case", "shape", "batch", "step/s", "update/s", "plain/s", "update÷plain", "torch/s", "step÷torch",
             "goal", "met")]
    for r in results:
        plain_ratio, torch_ratio = r.ratio("update", "plain"), r.ratio("step", "torch")
        met = "-" if torch_ratio is None else ("yes" if torch_ratio >= r.case.goal else "NO")
        rows.append(
            (
                r.case.name,
                "-".join(map(str, r.case.sizes)),
                str(r.case.batch),
                *(f"{r.rates[side]:,.0f}" for side in ("step", "update", "plain")),
                f"{plain_ratio:.2f}x" + ("" if plain_ratio >= PLAIN_GOAL else " (NO)"),
                f"{r.rates['torch']:,.0f}" if "torch" in r.rates else "-",
                "-" if torch_ratio is None else f"{torch_ratio:.2f}x",
                f">= {r.case.goal:g}x",
                met,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) if i >= 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
        for row in rows
    ] + [f"update÷plain: goal >= {PLAIN_GOAL:.2f}x (the core's update within 1.5x the plain loop's time); "
         "step÷torch against the goal column"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python scripts/bench_core.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds of about 0.05 s each")
    parser.add_argument("--rounds", type=int, help="rounds per case (default 9, or 5 with --quick)")
    parser.add_argument("--seconds", type=float, help="seconds per round and side (default 0.2)")
    parser.add_argument("--cases", default="".join(c.name for c in CASES), help="e.g. AB (default all)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="NumPy's BLAS threads, set by threadpoolctl; torch gets 1 (0: leave as is)",
    )
    parser.add_argument("--no-torch", action="store_true", help="time NumPy alone")
    parser.add_argument("--trainer", action="store_true",
                        help="also time Trainer.step and Run 10,000 against the plain loop")
    parser.add_argument("--run-rounds", type=int, default=5, help="rounds of Run 10,000 with --trainer (default 5)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.quick else 9)
    seconds = args.seconds or (0.05 if args.quick else 0.2)
    with_torch = torch is not None and not args.no_torch
    if torch is not None:
        torch.set_num_threads(1)

    limit = (
        threadpoolctl.threadpool_limits(limits=args.blas_threads, user_api="blas")
        if threadpoolctl is not None and args.blas_threads > 0
        else None
    )
    try:
        print("\n".join(header(limited=limit is not None)))
        print(f"{rounds} rounds of ~{seconds:g} s per side, alternating; medians over rounds\n", flush=True)
        results = [measure(case, rounds, seconds, with_torch) for case in CASES if case.name in args.cases.upper()]
        trainer = measure_trainer(rounds, seconds) if args.trainer else None
        run = measure_run(args.run_rounds) if args.trainer else None
    finally:
        if limit is not None:
            limit.restore_original_limits()
    print("\n".join(table(results)))
    if trainer is not None:
        print(f"\nTrainer.step, circles 2-8-8-2, B = 1: {trainer['trainer']:,.0f} steps/s, plain loop "
              f"{trainer['plain']:,.0f}: {trainer['trainer'] / trainer['plain']:.2f}x")
    if run is not None:
        print(f"Run {RUN_STEPS:,}, circles 2-8-8-2, B = 16 (Config()): {run['run']:.2f} s, plain loop "
              f"{run['plain']:.2f} s: {run['run'] / run['plain']:.2f}x the time (medians of {args.run_rounds})")


if __name__ == "__main__":
    main()
