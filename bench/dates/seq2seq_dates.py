#!/usr/bin/python3
"""The PyTorch side of bench/dates/run.ts: the same Seq2Seq (GRU, additive attention over a bidirectional
encoder, or no attention over a unidirectional one; head over [h ; context]) trained on the same generated
date pairs, read from a JSON file the TypeScript side wrote, with the same sizes, Adam, lr, gradient-norm clip,
batch and steps; then greedy decoding of the held-out dates. Prints one JSON line: exact match, training
seconds and target tokens per second (teacher-forced tokens, eos included).

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/dates/seq2seq_dates.py \
      --data pairs.json --attention additive --steps 250 --threads 1
"""

import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Part(nn.Module):
    """A named container, so parameter names read as the library's (encoder.rnn.weight_ih_l0)."""


class Additive(nn.Module):
    def __init__(self, H, K):
        super().__init__()
        self.query = nn.Linear(H, H, bias=False)
        self.key = nn.Linear(K, H, bias=False)
        self.v = nn.Linear(H, 1, bias=False)

    def forward(self, q, keys, lengths):
        # q [Tt, B, H], keys [Ts, B, K] -> context [Tt, B, K]; padded source steps get weight 0
        s = self.v(torch.tanh(self.query(q)[:, None] + self.key(keys)[None])).squeeze(-1)
        mask = torch.arange(keys.shape[0])[:, None] >= lengths[None, :]
        p = torch.softmax(s.masked_fill(mask[None], float("-inf")), dim=1)
        return torch.einsum("tsb,sbk->tbk", p, keys)


class Seq2Seq(nn.Module):
    def __init__(self, v_src, v_tgt, dim, H, attention):
        super().__init__()
        self.D = 2 if attention else 1
        self.H = H
        self.attention = attention
        self.encoder = Part()
        self.encoder.embedding = nn.Embedding(v_src, dim)
        self.encoder.rnn = nn.GRU(dim, H, bidirectional=attention)
        self.decoder = Part()
        self.decoder.embedding = nn.Embedding(v_tgt, dim)
        self.decoder.rnn = nn.GRU(dim, H)
        if attention:
            self.decoder.attention = Additive(H, self.D * H)
        self.decoder.head = nn.Linear(H + (self.D * H if attention else 0), v_tgt)

    def encode(self, src, src_len):
        packed = pack_padded_sequence(self.encoder.embedding(src), src_len, enforce_sorted=False)
        enc, state = self.encoder.rnn(packed)
        enc, _ = pad_packed_sequence(enc, total_length=src.shape[0])
        # Each decoder layer starts from the sum of its encoder layer's directions.
        return enc, state.view(1, self.D, src.shape[1], self.H).sum(1)

    def step_logits(self, dec, enc, src_len):
        if not self.attention:
            return self.decoder.head(dec)
        return self.decoder.head(torch.cat([dec, self.decoder.attention(dec, enc, src_len)], -1))

    def forward(self, src, src_len, dec_in):
        enc, state = self.encode(src, src_len)
        dec, _ = self.decoder.rnn(self.decoder.embedding(dec_in), state)
        return self.step_logits(dec, enc, src_len)

    @torch.no_grad()
    def greedy(self, src, src_len, bos, eos, max_steps):
        enc, state = self.encode(src, src_len)
        B = src.shape[1]
        ids = torch.full((1, B), bos, dtype=torch.long)
        out = []
        done = torch.zeros(B, dtype=torch.bool)
        for _ in range(max_steps):
            dec, state = self.decoder.rnn(self.decoder.embedding(ids), state)
            ids = self.step_logits(dec, enc, src_len).argmax(-1)
            out.append(ids[0])
            done |= ids[0] == eos
            if bool(done.all()):
                break
        return torch.stack(out, 1).tolist()


def padded(seqs):
    T = max(len(s) for s in seqs)
    data = torch.zeros((T, len(seqs)), dtype=torch.long)
    for b, s in enumerate(seqs):
        data[: len(s), b] = torch.tensor(s)
    return data, torch.tensor([len(s) for s in seqs])


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--data", required=True)
    a.add_argument("--attention", choices=["additive", "none"], required=True)
    a.add_argument("--steps", type=int, default=250)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--seed", type=int, default=1)
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d = json.load(open(args.data))
    c = d["config"]
    bos, eos = d["bos"], d["eos"]
    model = Seq2Seq(d["sourceVocab"], d["targetVocab"], c["dim"], c["hidden"], args.attention == "additive")
    opt = torch.optim.Adam(model.parameters(), lr=c["lr"])
    inputs, targets = d["train"]["inputs"], d["train"]["targets"]
    n, batch = len(inputs), c["batchSize"]
    g = torch.Generator().manual_seed(args.seed)
    order, at, tokens = [], 0, 0
    started = time.perf_counter()
    for _ in range(args.steps):
        if at >= len(order):
            order, at = torch.randperm(n, generator=g).tolist(), 0
        idx = order[at : at + batch]
        at += batch
        src, src_len = padded([inputs[i] for i in idx])
        tgt, tgt_len = padded([targets[i] for i in idx])
        dec_in = torch.cat([torch.full((1, len(idx)), bos, dtype=torch.long), tgt[:-1]])
        logits = model(src, src_len, dec_in)
        real = torch.arange(tgt.shape[0])[:, None] < tgt_len[None, :]
        loss = F.cross_entropy(logits[real], tgt[real])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), c["clip"])
        opt.step()
        tokens += int(tgt_len.sum())
    seconds = time.perf_counter() - started
    model.eval()
    src, src_len = padded(d["test"]["inputs"])
    decoded = model.greedy(src, src_len, bos, eos, c["maxSteps"])
    right = 0
    for ids, iso in zip(decoded, d["test"]["isos"]):
        text = "".join(d["targetChars"][t] for t in ids[: ids.index(eos)] if t > eos) if eos in ids else None
        right += text == iso
    print(
        json.dumps(
            {
                "exactMatch": right / len(decoded),
                "loss": float(loss),
                "steps": args.steps,
                "seconds": seconds,
                "tokensPerSecond": tokens / seconds,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
