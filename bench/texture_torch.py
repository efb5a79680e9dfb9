"""PyTorch side of bench/textureTorch.ts: the same Gram loss over VGG19 layers, by autograd on the CPU.

Run by bench/textureTorch.ts with Debian's interpreter (python3-torch, numpy):
    /usr/bin/python3 bench/texture_torch.py DIR
DIR holds what the TypeScript side wrote: config.json, weights.bin (float32, features.{i}.weight then
.bias per conv, in network order; offsets in config.json), target.bin and x0.bin (float32 [1,3,H,W]).
Writes DIR/grad_torch.bin (the gradient at x0, float32), prints a JSON line with the loss at x0, then
times what stdin asks for, one JSON line per command (see the loop at the end): a loss + gradient
evaluation, or an L-BFGS run (torch.optim.LBFGS, strong-Wolfe line search) with its evaluations counted.
"""

import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def blas_library() -> str:
    """The BLAS this process loaded (torch.mm goes through it): Debian's reference libblas, OpenBLAS, ..."""
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
    return ", ".join(sorted(p for p in paths if "libblas" in p or "openblas" in p)) or "none"


class OneDnnGram(torch.autograd.Function):
    """M·Mᵀ and its gradient (dG + dGᵀ)·M through oneDNN's inner product instead of torch.mm.

    Debian's torch sends torch.mm to the system BLAS, which is the netlib reference one unless an
    optimised BLAS is installed: some 2 GFLOP/s, 0.25 s per Gram here. oneDNN is built into torch.
    """

    @staticmethod
    def forward(ctx, m):
        ctx.save_for_backward(m)
        mk = m.contiguous().to_mkldnn()
        return torch._C._nn.mkldnn_linear(mk, mk).to_dense()

    @staticmethod
    def backward(ctx, dg):
        (m,) = ctx.saved_tensors
        s = (dg + dg.t()).contiguous().to_mkldnn()
        return torch._C._nn.mkldnn_linear(s, m.t().contiguous().to_mkldnn()).to_dense()


def main() -> None:
    root = sys.argv[1]
    with open(os.path.join(root, "config.json")) as f:
        cfg = json.load(f)
    threads = cfg["threads"]
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(0)

    blob = np.fromfile(os.path.join(root, "weights.bin"), dtype=np.float32)

    def tensor(entry):
        n = int(np.prod(entry["shape"]))
        a = blob[entry["offset"] : entry["offset"] + n].reshape(entry["shape"])
        return torch.from_numpy(a.copy())  # requires_grad False: the weights are constants

    convs = [(tensor(c["weight"]), tensor(c["bias"])) for c in cfg["convs"]]
    steps = cfg["steps"]  # "conv" | "pool", up to the deepest Gram layer
    keep = set(cfg["keepAfter"])  # step counts after which a Gram layer's features are taken
    pool = F.max_pool2d if cfg["pool"] == "max" else F.avg_pool2d
    mean = torch.tensor(cfg["mean"], dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(cfg["std"], dtype=torch.float32).view(1, 3, 1, 1)
    size = cfg["size"]
    shape = (1, 3, size[1], size[0])

    def features(x):
        h = (x - mean) / std
        out, k = [], 0
        for i, s in enumerate(steps):
            if s == "conv":
                w, b = convs[k]
                k += 1
                h = F.relu(F.conv2d(h, w, b, padding=1))
            else:
                h = pool(h, 2, 2)
            if i + 1 in keep:
                out.append(h)
        return out

    blas = blas_library()
    mode = cfg["torchGram"]
    if mode == "auto":
        # Debian's reference BLAS is /usr/lib/<triplet>/blas/libblas.so.3.x; OpenBLAS and the like live elsewhere.
        mode = "onednn" if "/blas/libblas.so" in blas else "mm"

    def gram(f):
        _, c, hh, ww = f.shape
        m = f.reshape(c, hh * ww)
        g = OneDnnGram.apply(m) if mode == "onednn" else m @ m.t()
        return g / (hh * ww)

    target = torch.from_numpy(np.fromfile(os.path.join(root, "target.bin"), dtype=np.float32).reshape(shape))
    x0 = torch.from_numpy(np.fromfile(os.path.join(root, "x0.bin"), dtype=np.float32).reshape(shape))
    with torch.no_grad():
        targets = [gram(f) for f in features(target)]
    weights = cfg["layerWeights"]

    def loss_of(x):
        return sum(w * ((gram(f) - t) ** 2).sum() for w, f, t in zip(weights, features(x), targets))

    # The value and gradient at x0, for the TypeScript side to compare.
    x = x0.clone().requires_grad_(True)
    loss = loss_of(x)
    loss.backward()
    x.grad.numpy().astype(np.float32).tofile(os.path.join(root, "grad_torch.bin"))
    loss0 = float(loss.item())

    def send(obj) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    send(
        {
            "ready": True,
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "mkldnn": bool(torch.backends.mkldnn.is_available()),
            "blas": blas,
            "gram": mode,
            "loss": loss0,
        }
    )

    # Commands, one a line, so that the TypeScript side can interleave its timings with these:
    #   eval   one loss + gradient evaluation → {"ms", "cpuMs"}
    #   lbfgs  one L-BFGS run from x0 → {"ms", "cpuMs", "iterations", "evaluations", "finalLoss"}
    #   quit
    def evaluate():
        x.grad = None
        v = loss_of(x)
        v.backward()
        return v

    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "eval":
            c, t = time.process_time(), time.perf_counter()
            evaluate()
            send({"ms": (time.perf_counter() - t) * 1000, "cpuMs": (time.process_time() - c) * 1000})
        elif cmd == "lbfgs":
            y = x0.clone().requires_grad_(True)
            opt = torch.optim.LBFGS(
                [y],
                lr=1,
                max_iter=cfg["iterations"],
                max_eval=cfg["maxEvaluations"],
                tolerance_grad=1e-7,
                tolerance_change=1e-9,
                history_size=10,
                line_search_fn="strong_wolfe",
            )
            count = [0]

            def closure():
                count[0] += 1
                opt.zero_grad()
                v = loss_of(y)
                v.backward()
                return v

            c, t = time.process_time(), time.perf_counter()
            opt.step(closure)
            ms, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            with torch.no_grad():
                final = float(loss_of(y).item())
            n_iter = int(opt.state[opt._params[0]]["n_iter"])
            send({"ms": ms, "cpuMs": cpu, "iterations": n_iter, "evaluations": count[0], "finalLoss": final})
        elif cmd == "quit":
            break
        else:
            send({"error": f"unknown command {cmd!r}"})


if __name__ == "__main__":
    main()
