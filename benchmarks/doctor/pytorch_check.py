#!/usr/bin/env python3
"""Independent PyTorch check of the doctor benchmark's labels (dev-time only; GradGuard never needs it).

Each experiment file of labels.json is re-implemented from the experiment-file format
(docs/experiment-format.md) in PyTorch, with PyTorch's own data generation, initialisation,
batching and training loop, and the symptom each label names is measured:
  - first/last gradient ratio through the depth: ||dL/da|| at the first Linear/recurrent layer's
    output over the same at the last one's;
  - first/last ratio through time: ||dL/dh_1|| / ||dL/dh_T|| of a recurrent layer (cells unrolled);
  - the first step with a NaN/inf loss or gradient, the global gradient norm's growth;
  - dead ReLU units, saturated sigmoid/tanh outputs, identical weight rows;
  - the loss curve and update sizes; the test metric against the trivial predictor.
The label it derives from these is written, with the numbers, to pytorch_labels.json.

Usage: python3 benchmarks/doctor/pytorch_check.py [FILE_FILTER]   (pip install torch numpy)
"""
import gzip, json, math, os, sys
import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "Sources", "Datasets", "Resources", "digits.csv.gz")
torch.set_num_threads(2)


# ---------- data ----------
def load_data(spec, folder, rng):
    kind = spec["kind"]
    classes = None
    if kind == "digits":
        rows = np.loadtxt(gzip.open(DIGITS, "rt"), delimiter=",")
        x, y, classes = rows[:, :64] / 16.0, rows[:, 64].astype(np.int64), 10
    elif kind == "spirals":
        k, n, noise = spec.get("classes", 3), spec.get("samples", 900), spec.get("noise", 0.2)
        per = n // k
        xs, ys = [], []
        for c in range(k):
            t = np.linspace(0, 1, per)
            theta = 4 * c + 4 * t + rng.normal(0, noise, per)
            xs.append(np.stack([t * np.sin(theta), t * np.cos(theta)], 1))
            ys.append(np.full(per, c))
        x, y, classes = np.concatenate(xs), np.concatenate(ys).astype(np.int64), k
    elif kind == "teacher":
        f, o, n, d = spec.get("features", 16), spec.get("outputs", 1), spec.get("samples", 2000), spec.get("depth", 2)
        widths = [f] + [32] * d + [o]
        x = rng.normal(0, 1, (n, f))
        h = x
        for i, (a, b) in enumerate(zip(widths, widths[1:])):
            h = h @ rng.normal(0, math.sqrt(1 / a), (a, b))
            if i < len(widths) - 2:
                h = np.tanh(h)
        y = (h - h.mean(0)) / h.std(0)
    elif kind == "adding":
        L, n = spec["length"], spec["samples"]
        x = np.zeros((n, L, 2))
        x[:, :, 0] = rng.uniform(0, 1, (n, L))
        first, second = rng.integers(0, L // 2, n), rng.integers(L // 2, L, n)
        x[np.arange(n), first, 1] = 1
        x[np.arange(n), second, 1] = 1
        y = (x[np.arange(n), first, 0] + x[np.arange(n), second, 0])[:, None]
    elif kind == "temporal_order":
        L, n = spec["length"], spec["samples"]
        sym = rng.integers(2, 6, (n, L))
        t1 = rng.integers(L // 10, max(2 * L // 10, L // 10 + 1), n)
        t2 = rng.integers(5 * L // 10, max(6 * L // 10, 5 * L // 10 + 1), n)
        a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
        sym[np.arange(n), t1], sym[np.arange(n), t2] = a, b
        x = np.eye(6)[sym]
        y, classes = (2 * a + b).astype(np.int64), 4
    elif kind == "csv":
        path = os.path.join(folder, spec["path"])
        header = open(path).readline().strip().split(",")
        target = spec["target"]
        ti = header.index(target) if isinstance(target, str) else target
        raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
        x, y = np.delete(raw, ti, 1), raw[:, ti]
        if spec.get("task", "regression") == "classification":
            values = sorted(set(y.tolist()))
            y, classes = np.array([values.index(v) for v in y], dtype=np.int64), len(values)
        else:
            y = y[:, None]
    elif kind == "npy":
        x, y = np.load(os.path.join(folder, spec["x"])), np.load(os.path.join(folder, spec["y"]))
        if np.issubdtype(y.dtype, np.integer) and y.ndim == 1:
            classes = int(y.max()) + 1
        elif y.ndim == 1:
            y = y[:, None]
    else:
        raise SystemExit(f"data kind {kind} is not implemented by this check")
    x = x.astype(np.float32)
    nonfinite = int((~np.isfinite(x)).sum() + (~np.isfinite(np.asarray(y, dtype=np.float64))).sum())
    order = rng.permutation(len(x))
    n_test = int(round(len(x) * spec.get("test_fraction", 0.2)))
    test, train = order[:n_test], order[n_test:]
    if spec.get("standardize"):
        mean, std = x[train].mean(0), x[train].std(0) + 1e-8
        x = (x - mean) / std
    return x, y, train, test, classes, nonfinite


# ---------- model ----------
def init_weight(w, init):
    if init is None or init == "default":
        return
    name = init if isinstance(init, str) else init["type"]
    o = {} if isinstance(init, str) else init
    with torch.no_grad():
        if name == "zeros": nn.init.zeros_(w)
        elif name == "constant": nn.init.constant_(w, o["value"])
        elif name == "uniform": nn.init.uniform_(w, o.get("low", 0), o.get("high", 1))
        elif name == "normal": nn.init.normal_(w, o.get("mean", 0), o.get("std", 1))
        elif name == "xavier_uniform": nn.init.xavier_uniform_(w, o.get("gain", 1))
        elif name == "xavier_normal": nn.init.xavier_normal_(w, o.get("gain", 1))
        elif name in ("kaiming_normal", "kaiming_uniform"):
            f = nn.init.kaiming_normal_ if name == "kaiming_normal" else nn.init.kaiming_uniform_
            f(w, mode=o.get("mode", "fan_in"), nonlinearity=o.get("nonlinearity", "relu"))
        elif name == "orthogonal": nn.init.orthogonal_(w, o.get("gain", 1))
        elif name == "lecun_normal": nn.init.normal_(w, 0, 1 / math.sqrt(w.shape[1]))
        else: raise SystemExit(f"init {name} not implemented")


def linear(i, o, init):
    layer = nn.Linear(i, o)
    if init not in (None, "default"):
        init_weight(layer.weight, init)
        nn.init.zeros_(layer.bias)
    return layer


ACTS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU, "gelu": nn.GELU}


class Unrolled(nn.Module):
    """A recurrent layer unrolled cell by cell, so that dL/dh_t of every step can be read."""
    def __init__(self, spec):
        super().__init__()
        kind, i, h = spec["type"], spec["input"], spec["hidden"]
        self.kind, self.sequences = kind, spec.get("return_sequences", False)
        if kind == "rnn": self.cell = nn.RNNCell(i, h, nonlinearity=spec.get("nonlinearity", "tanh"))
        elif kind == "lstm": self.cell = nn.LSTMCell(i, h)
        else: self.cell = nn.GRUCell(i, h)
        init = spec.get("init")
        if init not in (None, "default"):
            init_weight(self.cell.weight_ih, init)
            init_weight(self.cell.weight_hh, init)
            nn.init.zeros_(self.cell.bias_ih)
            nn.init.zeros_(self.cell.bias_hh)
        if spec.get("recurrent_init") is not None:
            init_weight(self.cell.weight_hh, spec["recurrent_init"])
        if kind == "lstm" and spec.get("forget_bias") is not None:
            with torch.no_grad():
                self.cell.bias_ih[h:2 * h] = spec["forget_bias"]
                self.cell.bias_hh[h:2 * h] = 0
        self.hs = []

    def forward(self, x):
        b, T, _ = x.shape
        h = x.new_zeros(b, self.cell.hidden_size)
        c = x.new_zeros(b, self.cell.hidden_size)
        self.hs = []
        for t in range(T):
            if self.kind == "lstm":
                h, c = self.cell(x[:, t], (h, c))
            else:
                h = self.cell(x[:, t], h)
            if h.requires_grad:
                h.retain_grad()
            self.hs.append(h)
        return torch.stack(self.hs, 1) if self.sequences else h


class Residual(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x + self.body(x)


def build(entries):
    layers = []
    for e in entries:
        t = e["type"]
        if t == "mlp":
            sizes, act = e["sizes"], e.get("activation", "relu")
            for k, (i, o) in enumerate(zip(sizes, sizes[1:])):
                lin = linear(i, o, e.get("init"))
                if k == len(sizes) - 2:
                    layers.append(lin)
                    break
                block = [lin] + ([nn.BatchNorm1d(o)] if e.get("batchnorm") else []) + [ACTS[act]()]
                if e.get("dropout", 0) > 0: block.append(nn.Dropout(e["dropout"]))
                layers.append(Residual(nn.Sequential(*block)) if e.get("residual") and i == o else nn.Sequential(*block))
        elif t == "linear": layers.append(linear(e["in"], e["out"], e.get("init")))
        elif t in ("rnn", "lstm", "gru"): layers.append(Unrolled(e))
        elif t in ACTS: layers.append(ACTS[t]())
        elif t == "batchnorm1d": layers.append(nn.BatchNorm1d(e["features"]))
        elif t == "residual": layers.append(Residual(build(e["body"])))
        else: raise SystemExit(f"layer {t} not implemented")
    return nn.Sequential(*layers)


# ---------- one run ----------
def run(path):
    e = json.load(open(path))
    seed = e.get("seed", 0)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    x, y, train, test, classes, nonfinite = load_data(e["data"], os.path.dirname(path), rng)
    out = {"data_non_finite": nonfinite}
    if nonfinite:
        out["label"] = "non_finite"
        return out
    X, Y = torch.tensor(x), torch.tensor(y)
    model = build(e["model"])
    loss_name = e.get("loss") or ("cross_entropy" if classes else "mse")
    loss_fn = nn.CrossEntropyLoss() if loss_name == "cross_entropy" else nn.MSELoss()
    o = e.get("optimizer", {"type": "sgd", "lr": 0.01})
    if o["type"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=o["lr"], momentum=o.get("momentum", 0), weight_decay=o.get("weight_decay", 0))
    elif o["type"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=o.get("lr", 1e-3))
    else:
        raise SystemExit(f"optimizer {o['type']} not implemented")
    clip = e.get("clip")
    # Watched layers: weighted (Linear, recurrent) outputs; activation outputs outside shortcut bodies.
    weighted, acts = [], []
    residual_bodies = {id(m) for r in model.modules() if isinstance(r, Residual) for m in r.body.modules()}
    for m in model.modules():
        if isinstance(m, (nn.Linear, Unrolled)): weighted.append(m)
        if isinstance(m, (nn.ReLU, nn.Sigmoid, nn.Tanh)): acts.append((m, id(m) in residual_bodies))
    seen = {}
    def keep(m, _inp, output):
        if output.requires_grad:
            output.retain_grad()
        seen[id(m)] = output
    for m in weighted + [a for a, _ in acts]: m.register_forward_hook(keep)
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    bs = e.get("batch_size", 32)
    steps_per_epoch = math.ceil(len(train) / bs)
    total = e.get("steps") or e.get("epochs", 10) * steps_per_epoch
    rec = {"loss": [], "depth_ratio": [], "time_ratio": [], "grad_norm": [], "dead": [], "saturated": [], "update_ratio": []}
    nan_step, step = None, 0
    while step < total:
        perm = train[rng.permutation(len(train))]
        for s in range(0, len(perm), bs):
            if step >= total: break
            idx = perm[s:s + bs]
            model.train()
            opt.zero_grad()
            before = [l.weight.detach().clone() for l in linears]
            output = model(X[idx])
            loss = loss_fn(output, Y[idx])
            loss.backward()
            g = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in model.parameters() if p.grad is not None)).item()
            if not math.isfinite(loss.item()) or not math.isfinite(g):
                nan_step = step if nan_step is None else nan_step
            first, last = seen[id(weighted[0])], seen[id(weighted[-1])]
            if len(weighted) >= 2 and first.grad is not None and last.grad is not None and last.grad.norm() > 0:
                rec["depth_ratio"].append((first.grad.norm() / last.grad.norm()).item())
            elif len(weighted) >= 2:
                rec["depth_ratio"].append(float("nan"))  # keeps steps aligned with the other records
            for m in weighted:
                if isinstance(m, Unrolled) and len(m.hs) >= 2 and m.hs[-1].grad is not None and m.hs[-1].grad.norm() > 0:
                    rec["time_ratio"].append((m.hs[0].grad.norm() / m.hs[-1].grad.norm()).item())
            dead = [((seen[id(a)] == 0).all(0).float().mean().item()) for a, inside in acts if isinstance(a, nn.ReLU) and not inside]
            sat = []
            for a, _ in acts:
                v = seen[id(a)]
                if isinstance(a, nn.Sigmoid): sat.append(((v < 0.0025) | (v > 0.9975)).float().mean().item())
                if isinstance(a, nn.Tanh): sat.append((v.abs() > 0.995).float().mean().item())
            rec["dead"].append(max(dead, default=0))
            rec["saturated"].append(max(sat, default=0))
            if clip and clip.get("type") == "norm":
                nn.utils.clip_grad_norm_(model.parameters(), clip["max_norm"])
            if math.isfinite(g):  # GradGuard's default non-finite policy: skip the step
                opt.step()
            rec["loss"].append(loss.item())
            rec["grad_norm"].append(g)
            ratios = [((l.weight.detach() - b).norm() / (l.weight.detach().norm() + 1e-30)).item() for l, b in zip(linears, before)]
            rec["update_ratio"].append(float(np.median(ratios)) if ratios else 0.0)
            step += 1
    # Test metric and the trivial predictor.
    model.eval()
    with torch.no_grad():
        pred = model(X[test])
        test_loss = loss_fn(pred, Y[test]).item()
        if classes:
            acc = (pred.argmax(1) == Y[test]).float().mean().item()
            counts = np.bincount(y[train], minlength=classes)
            base_acc = float((y[test] == counts.argmax()).mean())
            metric_ok = acc >= base_acc + 0.05 and math.isfinite(test_loss)
        else:
            acc, base_acc = None, None
            base_loss = float(((y[test] - y[train].mean(0)) ** 2).mean())
            metric_ok = math.isfinite(test_loss) and test_loss <= 0.8 * base_loss
    identical = any(l.weight.shape[0] >= 2 and torch.allclose(l.weight, l.weight[:1].expand_as(l.weight), atol=1e-5 * l.weight[0].abs().max().item() + 1e-12) for l in linears)
    out.update(test_loss=test_loss, accuracy=acc, baseline_accuracy=base_acc, metric_beats_trivial=metric_ok, nan_step=nan_step)
    out.update(derive(rec, nan_step, identical))
    return out


def late(values):
    return values[-max(len(values) // 3, 1):] if values else []


def sustained(values, cond):
    v = [x for x in values if math.isfinite(x)]
    return bool(v) and 2 * sum(cond(x) for x in late(v)) >= len(late(v))


def vanished_first(rec):
    """Whether the gradient vanished through the depth no later than units died, with some of it
    still reaching the first layer (a ratio of exactly 0 means dead units block it: they are the cause)."""
    dead = next((i for i, v in enumerate(rec["dead"]) if v >= 0.5), None)
    vanish = next((i for i, v in enumerate(rec["depth_ratio"]) if 0 < v < 1e-3), None)
    return vanish is not None and (dead is None or vanish <= dead)


def derive(rec, nan_step, identical):
    """The label the measurements support, with the numbers; cause before symptom, as in the docs' rules."""
    finite = rec if nan_step is None else {k: v[:nan_step] for k, v in rec.items()}
    g = [x for x in finite["grad_norm"] if x > 0]
    # Exponential growth: over 10 steps, >= 100x, a log10 slope above 0.1 a step, rising in >= 80 % of them.
    growth = 1
    for i in range(len(g) - 9):
        w = np.log10(g[i:i + 10])
        rises = int(np.sum(np.diff(w) > 0))
        if np.polyfit(np.arange(10), w, 1)[0] > 0.1 and rises >= 0.8 * 9:
            growth = max(growth, g[i + 9] / g[i])
    d, t = finite["depth_ratio"], finite["time_ratio"]
    losses = [x for x in rec["loss"] if math.isfinite(x)]
    n = max(int(0.2 * len(losses)), 2)
    early, late_loss = (float(np.median(losses[:n])), float(np.median(losses[-n:]))) if len(losses) >= 10 else (None, None)
    half = losses[len(losses) - len(losses) // 2:]
    changes = np.diff(half)
    flips = float(np.mean(changes[1:] * changes[:-1] < 0)) if len(changes) > 4 else 0
    amplitude = float(np.median(np.abs(changes)) / losses[0]) if len(changes) > 4 and losses and losses[0] > 0 else 0
    upd = float(np.median(rec["update_ratio"])) if rec["update_ratio"] else 1
    nums = {"depth_ratio_late_median": float(np.median(late(d))) if d else None,
            "time_ratio_late_median": float(np.median(late(t))) if t else None,
            "grad_norm_growth_10_steps": growth, "dead_late_median": float(np.median(late(rec["dead"]))),
            "saturated_late_median": float(np.median(late(rec["saturated"]))), "identical_rows": identical,
            "loss_early": early, "loss_late": late_loss, "sign_flips": flips, "amplitude": amplitude, "median_update_ratio": upd}
    if nan_step is not None or sustained(d, lambda r: r > 1e3) or sustained(t, lambda r: r > 1e3) or growth > 100:
        label = "exploding_gradient"
    elif identical:
        label = "symmetry"
    elif sustained(rec["saturated"], lambda s: s >= 0.5):
        label = "saturation"
    elif sustained(rec["dead"], lambda s: s >= 0.5) and not vanished_first(rec):
        label = "dying_relu"
    elif sustained(d, lambda r: r < 1e-3) or sustained(t, lambda r: r < 1e-3):
        label = "vanishing_gradient"
    elif flips >= 0.5 and amplitude >= 0.3:
        label = "oscillating_loss"
    elif early and late_loss > 0.9 * early and upd < 1e-4:
        label = "slow_convergence"
    else:
        label = "healthy"
    return {"label": label, "measured": nums}


def finite_json(value):
    """NaN and ±inf as the strings GradGuard's JSON uses ("NaN", "Infinity", "-Infinity")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_json(v) for v in value]
    return value


def main():
    labels = json.load(open(os.path.join(HERE, "labels.json")))
    only = sys.argv[1] if len(sys.argv) > 1 else None
    path = os.path.join(HERE, "pytorch_labels.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    results = {c["file"]: results[c["file"]] for c in labels if c["file"] in results}  # drop files no longer labelled
    agree = 0
    for case in labels:
        if only and only not in case["file"]:
            continue
        r = run(os.path.join(HERE, case["file"]))
        r["agrees"] = r["label"] == case["label"] and (case["label"] != "healthy" or r.get("metric_beats_trivial", False))
        results[case["file"]] = r
        agree += r["agrees"]
        print(f"{'ok  ' if r['agrees'] else 'DIFF'} {case['file']}: label {case['label']}, PyTorch {r['label']}"
              + (f", test metric beats trivial: {r.get('metric_beats_trivial')}" if "metric_beats_trivial" in r else ""), flush=True)
    json.dump(finite_json(results), open(path, "w"), indent=1, sort_keys=True, allow_nan=False)
    print(f"torch {torch.__version__}: {agree} of {len([c for c in labels if not only or only in c['file']])} labels confirmed")


if __name__ == "__main__":
    main()
