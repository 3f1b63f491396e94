"""PyTorch CPU as a measured peer for the standard workloads of BENCHMARKS.md (W1-W6), on this machine.

BENCHMARKS.md's PyTorch figures come from another run; this script measures PyTorch here, so that our figures can
be set against it under the same load. It uses PyTorch's own idiomatic API (nn.LSTM/GRU/RNN + nn.Linear,
torch.optim, one-hot float inputs as the workloads define them) and the same clock as `npm run bench -- --clock
cpu` (this process's CPU time; wall time with --threads above 1). Not part of `npm test`; needs torch (Debian: apt-get install python3-torch).

    npm run bench:pytorch -- [--threads 1] [--samples 15] [--only W1,W5b] [--json FILE]

`npm run bench` starts it with --serve and interleaves it with its own measurements (bench/pytorch.ts): one JSON
request a line on stdin, {"workload": "W2", "threads": 1, "ms": 250, "clock": "wall"}, answered by one JSON line,
{"ms": <milliseconds per call over a block of at least that long>, "calls": n}. A call shorter than a second gets an
untimed call first (the other side's block has just evicted the caches), as bench/paired.ts does for its sides.
"""

import argparse
import json
import os
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ModuleNotFoundError:
    raise SystemExit("bench/pytorch/peer.py needs torch: set PYTHON to an interpreter that has it (Debian: "
                     "apt-get install python3-torch, then PYTHON=/usr/bin/python3 npm run bench:pytorch)")

TRAIN = {
    "W1": dict(cell="lstm", I=65, H=128, B=32, T=32, task="tokens", opt="adam", lr=1e-3),
    "W2": dict(cell="lstm", I=65, H=512, B=32, T=64, task="tokens", opt="adam", lr=1e-3),
    "W3": dict(cell="gru", I=1, H=64, B=64, T=48, task="series", opt="adam", lr=1e-3),
    "W4": dict(cell="rnn", I=65, H=100, B=1, T=25, task="tokens", opt="adagrad", lr=0.1),
    # 2-layer char-LM, stateful truncated BPTT: each step starts from the last one's final state, detached.
    "W6": dict(cell="lstm", I=96, H=256, B=32, T=64, task="tokens", opt="adam", lr=2e-3, layers=2, clip_norm=5.0,
               stateful=True),
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
    rnn = CELLS[w["cell"]](w["I"], w["H"], w.get("layers", 1))
    head = nn.Linear(w["H"], w["I"] if w["task"] == "tokens" else 1)
    params = list(rnn.parameters()) + list(head.parameters())
    if w["opt"] == "adam":
        opt = torch.optim.Adam(params, lr=w["lr"])
    else:
        opt = torch.optim.Adagrad(params, lr=w["lr"])
    state = [None]
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
        out, hc = rnn(x, state[0])
        if w.get("stateful"):
            state[0] = tuple(s.detach() for s in hc)
        if w["task"] == "tokens":
            loss = loss_fn(head(out).reshape(-1, I), y)
        else:
            loss = loss_fn(head(out[-1]), y)
        loss.backward()
        if w["opt"] == "adagrad":
            nn.utils.clip_grad_value_(params, 5.0)
        if "clip_norm" in w:
            nn.utils.clip_grad_norm_(params, w["clip_norm"])
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


def make(wid):
    """(call, units, unit) of workload `wid`: one call is one training step, one forward or `units` streaming steps."""
    if wid in TRAIN:
        fn, tokens = train_step(TRAIN[wid])
        return fn, tokens, "tokens/s"
    if wid == "W5a":
        fn, steps = streaming()
        return fn, steps, "us/step"
    if wid == "W5b":
        fn, tokens = batched()
        return fn, tokens, "tokens/s"
    raise ValueError(f"unknown workload {wid!r}")


REWARM_S = 1.0


def serve():
    """Blocks on request (see the module's doc): one JSON line in, one out, until stdin closes."""
    built = {}
    last = {}
    print(json.dumps(dict(ready=True, torch=torch.__version__, blas=blas())), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            wid, threads = req["workload"], int(req.get("threads", 1))
            torch.set_num_threads(threads)
            if wid not in built:
                built[wid] = make(wid)
                built[wid][0]()  # warm-up: allocator, first-call dispatch
            fn = built[wid][0]
            cpu = req.get("clock") == "cpu" and threads == 1
            clock = time.process_time if cpu else time.perf_counter
            if last.get((wid, threads), 0) < REWARM_S:
                fn()
            calls, start = 0, clock()
            while True:
                fn()
                calls += 1
                elapsed = clock() - start
                if elapsed * 1000 >= req.get("ms", 250):
                    break
            last[(wid, threads)] = elapsed / calls
            print(json.dumps(dict(ms=elapsed / calls * 1000, calls=calls)), flush=True)
        except Exception as e:  # the bench reports it and goes on without this peer
            print(json.dumps(dict(error=f"{type(e).__name__}: {e}")), flush=True)


def blas():
    """The BLAS torch's matrix products reach, as far as this process can tell (the library it mapped)."""
    try:
        with open("/proc/self/maps") as f:
            names = {line.split()[-1] for line in f if "blas" in line.lower()}
        own = {n for n in names if os.path.basename(n).startswith("libopenblas")} or names
        return ", ".join(sorted(os.path.basename(n) + " in " + os.path.dirname(n) for n in own))
    except OSError:
        return "unknown"


def main():
    if "--serve" in sys.argv:
        return serve()
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--samples", type=int, default=15)
    ap.add_argument("--only", default="W1,W2,W3,W4,W5a,W5b,W6")
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    # CPU time is the bench's --clock cpu for one thread; with more, it would add the threads up: wall time then.
    clock = time.process_time if a.threads == 1 else time.perf_counter
    rows = []
    for wid in a.only.split(","):
        try:
            fn, units, unit = make(wid)
        except ValueError as e:
            raise SystemExit(f"--only: {e}")
        inner = 1 if wid in ("W2", "W6") else 20 if wid == "W5b" else 5
        med, lo, hi = timed(fn, a.samples, inner, clock)
        if unit == "us/step":
            row = dict(unit=unit, median=med / units * 1e6, min=lo / units * 1e6, max=hi / units * 1e6)
        else:
            row = dict(unit=unit, median=units / med, min=units / hi, max=units / lo)
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
