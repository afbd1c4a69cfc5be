"""W2 and W3 in PyTorch, timed like `gradguard bench monitor` (W2, monitor off) and `gradguard
bench mlp` (W3): ms per training step on a fixed random batch, median of 5 runs of 10 steps after
a warm-up. A dev-time comparison only: GradGuard never depends on PyTorch.

W2: MLP 784 → 20 hidden layers of 256, sigmoid → 10, cross-entropy, SGD lr 0.1, batch 128.
W3: MLP 784 → 1024 → 1024 → 1024 → 10, ReLU, cross-entropy, Adam lr 1e-3, batch 256."""
import statistics
import sys
import time

import torch


def model_and_optimizer(name: str):
    if name == "w2":
        layers = [torch.nn.Linear(784, 256), torch.nn.Sigmoid()]
        for _ in range(19):
            layers += [torch.nn.Linear(256, 256), torch.nn.Sigmoid()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(256, 10))
        return model, torch.optim.SGD(model.parameters(), lr=0.1), 128
    sizes = [784, 1024, 1024, 1024, 10]
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3), 256


def run(name: str, steps: int) -> float:
    torch.manual_seed(0)
    model, optimizer, batch = model_and_optimizer(name)
    x = torch.rand(batch, 784)
    y = torch.arange(batch) % 10
    criterion = torch.nn.CrossEntropyLoss()
    def train(n):
        for _ in range(n):
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
    train(3)
    start = time.perf_counter()
    train(steps)
    return (time.perf_counter() - start) * 1000 / steps


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "w3"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    ms = statistics.median(run(name, steps) for _ in range(5))
    label = {"w2": "W2 monitor off", "w3": "W3 mlp"}[name]
    print(f"{label} PyTorch {torch.__version__} ({torch.get_num_threads()} threads): {ms:.3f} ms/step ({steps} steps, median of 5 runs)")


if __name__ == "__main__":
    main()
