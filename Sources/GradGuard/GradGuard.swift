// The umbrella module: `import GradGuard` gives the whole library.
@_exported import Autodiff
@_exported import Checkpoints
@_exported import DataParallel
@_exported import Datasets
@_exported import Diagnosis
@_exported import Doctor
@_exported import Experiments
@_exported import Initializers
@_exported import Layers
@_exported import Lessons
@_exported import Monitor
@_exported import Losses
@_exported import Optimizers
@_exported import Plots
@_exported import ReferenceCases
@_exported import Runs
@_exported import Reports
@_exported import TensorBoard
@_exported import TensorCore
@_exported import Vocabulary
@_exported import Training

/// GradGuard's version.
public enum GradGuardInfo {
    public static let version = "0.1.0"
}
