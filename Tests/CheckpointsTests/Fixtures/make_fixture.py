"""Writes python_numpy.safetensors with Python's safetensors package (numpy API), the file
CheckpointsTests loads. Run once: pip install safetensors numpy; python3 make_fixture.py"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    "0.weight": (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 4,   # Linear(4 → 3)
    "0.bias": np.array([0.5, -1.25, 3.0], dtype=np.float32),
    "2.weight": np.array([[1e-3, -2.5e4, np.pi]], dtype=np.float64),        # Linear(3 → 1), as F64
    "2.bias": np.array([-0.0625], dtype=np.float16),                          # as F16
    "steps": np.array(7, dtype=np.int64),                                     # a 0-d integer
}
save_file(tensors, "python_numpy.safetensors", metadata={"written_by": "safetensors.numpy"})
