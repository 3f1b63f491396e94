"""Writes bench/peers/w5-lstm.onnx: the bare W5 LSTM of BENCHMARKS.md (I = 65, H = 128, one layer, no head), as
torch.onnx.export makes it, for the onnxruntime peers of W5a and W5b (bench/onnx.ts).

Inputs x [T, B, 65] (time-major, one-hot floats), h0 and c0 [1, B, 128]; outputs y [T, B, 128], hn and cn
[1, B, 128]. T and B are dynamic axes: W5a runs it with T = B = 1 and the state fed back, W5b with T = B = 32.
The weights are torch's default initialisation under seed 0 (speed does not depend on them).

    /usr/bin/python3 bench/pytorch/export_w5.py [OUT]
"""

import os
import sys

import torch
from torch import nn

I, H = 65, 128


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "peers", "w5-lstm.onnx")
    torch.manual_seed(0)
    lstm = nn.LSTM(I, H).eval()
    T, B = 32, 32
    x = torch.zeros(T, B, I)
    h0 = torch.zeros(1, B, H)
    c0 = torch.zeros(1, B, H)
    dynamic = {0: "T", 1: "B"}
    state = {1: "B"}
    torch.onnx.export(
        lstm,
        (x, (h0, c0)),
        out,
        input_names=["x", "h0", "c0"],
        output_names=["y", "hn", "cn"],
        dynamic_axes={"x": dynamic, "y": dynamic, "h0": state, "c0": state, "hn": state, "cn": state},
        opset_version=14,
        do_constant_folding=True,
    )
    print(f"wrote {os.path.normpath(out)} ({os.path.getsize(out)} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
