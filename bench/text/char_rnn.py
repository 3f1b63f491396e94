"""The PyTorch side of `npm run bench:text`: TextModel's defaults trained the char-rnn way in PyTorch.

The model, data and schedule are TextModel.fit's defaults, written out here in PyTorch's own idiom (as PyTorch's
examples/word_language_model does it):
- vocabulary: the text's distinct characters sorted by code point; inputs one-hot (TextModel's default input);
- nn.LSTM(V, 128), one layer, then nn.Linear(128, V); cross-entropy (mean); Adam(lr 2e-3); clip_grad_norm_(5);
- the last 5 % of the text held out (cut = floor(0.95 * len(text)));
- training: the rest cut into B = 32 contiguous streams (batchify), windows of T = 64 steps read in order, the
  hidden state detached and carried from window to window, reset at the start of every pass;
- held-out: the held-out text cut into min(32, floor(n / 65)) streams, read in windows of 64 with the state carried;
  the mean cross-entropy over every predicted character, in bits.

It prints one JSON line: {"bitsPerChar", "loss", "steps", "seconds", "tokensPerSecond", "threads", "torch"}.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/text/char_rnn.py --steps 300
"""

import argparse
import json
import math
import time

import torch
from torch import nn
from torch.nn import functional as F


def batchify(ids, tracks):
    steps = len(ids) // tracks
    return ids[: steps * tracks].view(tracks, steps).t().contiguous()  # [L, B], track b = ids[bL .. (b+1)L)


def windows(data, T):
    usable = data.size(0) - 1
    for start in range(0, usable, T):
        n = min(T, usable - start)
        yield data[start : start + n], data[start + 1 : start + 1 + n]


class CharRNN(nn.Module):
    def __init__(self, V, H):
        super().__init__()
        self.V = V
        self.lstm = nn.LSTM(V, H)
        self.head = nn.Linear(H, V)

    def forward(self, x, state):
        out, state = self.lstm(F.one_hot(x, self.V).float(), state)
        return self.head(out), state


def detach(state):
    return None if state is None else tuple(s.detach() for s in state)


def held_out_loss(model, data, T):
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for x, y in windows(data, T):
            logits, state = model(x, state)
            total += F.cross_entropy(logits.view(-1, model.V), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train()
    return total / count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--text", default="data/tinyshakespeare.txt")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    text = open(a.text, encoding="utf-8").read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = math.floor(len(text) * 0.95)
    train = batchify(ids[:cut], a.batch)
    held = ids[cut:]
    held = batchify(held, max(1, min(a.batch, len(held) // (a.seq + 1))))

    model = CharRNN(len(chars), a.hidden)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    step, started = 0, time.perf_counter()
    tokens = 0
    while step < a.steps:
        state = None  # every pass starts from a zero state
        for x, y in windows(train, a.seq):
            logits, state = model(x, detach(state))
            loss = F.cross_entropy(logits.view(-1, model.V), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            tokens += y.numel()
            step += 1
            if step == a.steps:
                break
    seconds = time.perf_counter() - started
    loss = held_out_loss(model, held, a.seq)
    print(json.dumps({
        "bitsPerChar": loss / math.log(2),
        "loss": loss,
        "steps": step,
        "seconds": seconds,
        "tokensPerSecond": tokens / seconds,
        "threads": a.threads,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
