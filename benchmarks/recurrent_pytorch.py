"""W4 / W5 in PyTorch, timed like `gradguard bench recurrent`: ms per training step of an
LSTM (W4) or tanh RNN (W5) with input 32, hidden 128, sequence 100, batch 32, a linear head on
the last step, MSE, Adam (lr 1e-3), clip_grad_norm_(1.0); fixed random data; the median of
5 runs of `steps` steps after a warm-up. A dev-time comparison only: GradGuard never depends
on PyTorch. Usage: recurrent_pytorch.py lstm|rnn [steps]"""
import statistics
import sys
import time

import torch


class Net(torch.nn.Module):
    def __init__(self, cell: str) -> None:
        super().__init__()
        layer = torch.nn.LSTM if cell == "lstm" else torch.nn.RNN
        self.rnn = layer(32, 128, batch_first=True)
        self.head = torch.nn.Linear(128, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def run(cell: str, steps: int) -> float:
    torch.manual_seed(0)
    model = Net(cell)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(32, 100, 32), torch.randn(32, 1)
    start = time.perf_counter()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
    return (time.perf_counter() - start) * 1000 / steps


def main() -> None:
    cell = sys.argv[1] if len(sys.argv) > 1 else "lstm"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    run(cell, 3)  # warm-up
    ms = statistics.median(run(cell, steps) for _ in range(5))
    name = "W4 lstm" if cell == "lstm" else "W5 rnn"
    print(f"{name} PyTorch {torch.__version__} ({torch.get_num_threads()} threads): {ms:.3f} ms/step ({steps} steps, median of 5 runs)")


if __name__ == "__main__":
    main()
