"""Seed 001's workload in PyTorch, timed like `gradguard bench seed001`: ms per training step
(fresh torch.randn batch of 64, forward, MSE, backward, clip_grad_norm_(1.0), Adam step), the
median of 7 runs of 100 steps. A dev-time comparison only: GradGuard never depends on PyTorch."""
import statistics
import sys
import time

import torch


def run(steps: int) -> float:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(10, 50), torch.nn.ReLU(), torch.nn.Linear(50, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.MSELoss()
    start = time.perf_counter()
    for _ in range(steps):
        x, y = torch.randn(64, 10), torch.randn(64, 1)
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
    return (time.perf_counter() - start) * 1000 / steps


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    run(steps)  # warm-up
    ms = statistics.median(run(steps) for _ in range(7))
    print(f"seed001 PyTorch {torch.__version__}: {ms:.4f} ms/step ({steps} steps, median of 7 runs)")


if __name__ == "__main__":
    main()
