"""PyTorch CPU as a measured peer for the standard workloads of BENCHMARKS.md (W1-W5b), on this machine.

BENCHMARKS.md's PyTorch figures come from another run; this script measures PyTorch here, so that our figures can
be set against it under the same load. It uses PyTorch's own idiomatic API (nn.LSTM/GRU/RNN + nn.Linear,
torch.optim, one-hot float inputs as the workloads define them) and the same clock as `npm run bench -- --clock
cpu` (this process's CPU time; wall time with --threads above 1). Not part of `npm test`; needs torch (Debian: apt-get install python3-torch).

    npm run bench:pytorch -- [--threads 1] [--samples 15] [--only W1,W5b] [--json FILE]
"""

import argparse
import json
import statistics
import time

try:
    import torch
    from torch import nn
except ModuleNotFoundError:
    raise SystemExit("bench/pytorch/peer.py needs torch: set PYTHON to an interpreter that has it (Debian: "
                     "apt-get install python3-torch, then PYTHON=/usr/bin/python3 npm run bench:pytorch)")

TRAIN = {
    "W1": dict(cell="lstm", I=65, H=128, B=32, T=32, task="tokens", opt="adam"),
    "W2": dict(cell="lstm", I=65, H=512, B=32, T=64, task="tokens", opt="adam"),
    "W3": dict(cell="gru", I=1, H=64, B=64, T=48, task="series", opt="adam"),
    "W4": dict(cell="rnn", I=65, H=100, B=1, T=25, task="tokens", opt="adagrad"),
}
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def timed(fn, samples, inner, clock):
    """Median, min and max of `samples` measurements of seconds per call, each over `inner` calls."""
    fn()  # warm-up: allocator, first-call dispatch
    out = []
    for _ in range(samples):
        start = clock()
        for _ in range(inner):
            fn()
        out.append((clock() - start) / inner)
    return statistics.median(out), min(out), max(out)


def train_step(w):
    torch.manual_seed(0)
    rnn = CELLS[w["cell"]](w["I"], w["H"])
    head = nn.Linear(w["H"], w["I"] if w["task"] == "tokens" else 1)
    params = list(rnn.parameters()) + list(head.parameters())
    if w["opt"] == "adam":
        opt = torch.optim.Adam(params, lr=1e-3)
    else:
        opt = torch.optim.Adagrad(params, lr=0.1)
    T, B, I = w["T"], w["B"], w["I"]
    if w["task"] == "tokens":
        ids = torch.randint(0, I, (T + 1, B))
        x = nn.functional.one_hot(ids[:-1], I).float()
        y = ids[1:].reshape(-1)
        loss_fn = nn.CrossEntropyLoss()
    else:
        x = torch.randn(T, B, 1)
        y = torch.randn(B, 1)
        loss_fn = nn.MSELoss()

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        if w["task"] == "tokens":
            loss = loss_fn(head(out).reshape(-1, I), y)
        else:
            loss = loss_fn(head(out[-1]), y)
        loss.backward()
        if w["opt"] == "adagrad":
            nn.utils.clip_grad_value_(params, 5.0)
        opt.step()

    return step, T * B


def streaming():
    torch.manual_seed(0)
    lstm = nn.LSTM(65, 128)
    x = nn.functional.one_hot(torch.randint(0, 65, (100, 1)), 65).float()
    state = [None]

    def run():
        with torch.no_grad():
            s = state[0]
            for t in range(100):
                _, s = lstm(x[t : t + 1], s)
            state[0] = s

    return run, 100


def batched():
    torch.manual_seed(0)
    lstm = nn.LSTM(65, 128)
    x = nn.functional.one_hot(torch.randint(0, 65, (32, 32)), 65).float()

    def run():
        with torch.no_grad():
            lstm(x)

    return run, 32 * 32


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--only", default="W1,W2,W3,W4,W5a,W5b")
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    # CPU time is the bench's --clock cpu for one thread; with more, it would add the threads up: wall time then.
    clock = time.process_time if a.threads == 1 else time.perf_counter
    rows = []
    for wid in a.only.split(","):
        if wid in TRAIN:
            fn, tokens = train_step(TRAIN[wid])
            inner = 1 if wid == "W2" else 5
            med, lo, hi = timed(fn, a.samples, inner, clock)
            row = dict(unit="tokens/s", median=tokens / med, min=tokens / hi, max=tokens / lo)
        elif wid == "W5a":
            fn, steps = streaming()
            med, lo, hi = timed(fn, a.samples, 5, clock)
            row = dict(unit="us/step", median=med / steps * 1e6, min=lo / steps * 1e6, max=hi / steps * 1e6)
        elif wid == "W5b":
            fn, tokens = batched()
            med, lo, hi = timed(fn, a.samples, 20, clock)
            row = dict(unit="tokens/s", median=tokens / med, min=tokens / hi, max=tokens / lo)
        else:
            raise SystemExit(f"--only: unknown workload {wid!r}")
        row = dict(workload=wid, system="pytorch", threads=a.threads, **row)
        rows.append(row)
        print(f"{wid:5} pytorch {torch.__version__} threads {a.threads}: {row['median']:.4g} {row['unit']}"
              f" ({row['min']:.4g}-{row['max']:.4g})", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(date=time.strftime("%Y-%m-%d"), torch=torch.__version__, results=rows), f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
