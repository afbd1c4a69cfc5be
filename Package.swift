// swift-tools-version:6.0
// GradGuard: train neural networks in Swift and keep their gradients healthy.
// Modules follow the data flow (ARCHITECTURE.md): CBLAS, CKernels → TensorCore → Autodiff →
// Initializers → Layers/Checkpoints/Losses → Optimizers → Datasets → Vocabulary → Training → Experiments/Monitor →
// TensorBoard/Diagnosis → Runs → Doctor → Plots/Reports → GradGuard (umbrella) → gradguard (CLI).
import PackageDescription

let package = Package(
    name: "GradGuard",
    products: [
        .library(name: "GradGuard", targets: ["GradGuard"]),
        .executable(name: "gradguard", targets: ["GradGuardCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CKernels"),
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "TensorCore",
            dependencies: ["CBLAS", "CKernels", .product(name: "RealModule", package: "swift-numerics")]),
        .target(name: "Autodiff", dependencies: ["TensorCore"]),
        .target(name: "Initializers", dependencies: ["TensorCore"]),
        .target(name: "Layers", dependencies: ["Autodiff", "Initializers", "CKernels"]),
        .target(name: "Checkpoints", dependencies: ["Layers"]),
        .target(name: "Losses", dependencies: ["Autodiff"]),
        .target(name: "Optimizers", dependencies: ["Autodiff", "CKernels"]),
        .target(
            name: "Datasets", dependencies: ["TensorCore", "CZlib"],
            resources: [.embedInCode("Resources/digits.csv.gz")]),
        .target(name: "Vocabulary", dependencies: ["Layers", "Losses", "Optimizers", "Datasets"]),
        .target(name: "Training", dependencies: ["Layers", "Losses", "Optimizers", "Datasets"]),
        .target(name: "ReferenceCases", dependencies: ["Vocabulary"]),
        .target(name: "DataParallel", dependencies: ["Training", "CMPI"]),
        .target(name: "Experiments", dependencies: ["Training", "Vocabulary", .product(name: "Yams", package: "Yams")]),
        .target(name: "Monitor", dependencies: ["Training"]),
        .target(name: "Diagnosis", dependencies: ["Monitor"]),
        .target(
            name: "TensorBoard",
            dependencies: ["Monitor", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Runs", dependencies: ["Diagnosis", "Experiments", "Checkpoints"]),
        .target(name: "Doctor", dependencies: ["Runs"]),
        .target(name: "Plots"),
        .target(name: "Lessons", dependencies: ["Monitor", "Plots"]),
        .target(name: "Reports", dependencies: ["Doctor", "Checkpoints", "Plots", "TensorBoard"]),
        .target(name: "Benchmarks", dependencies: ["GradGuard", "CBLAS"]),
        .target(
            name: "GradGuard",
            dependencies: [
                "TensorCore", "Autodiff", "Initializers", "Layers", "Checkpoints", "Losses", "Optimizers", "Datasets", "Vocabulary", "Training",
                "DataParallel", "ReferenceCases", "Monitor", "TensorBoard", "Diagnosis", "Experiments", "Runs", "Doctor", "Plots", "Reports",
                "Lessons",
            ]),
        .executableTarget(
            name: "GradGuardCLI",
            dependencies: [
                "GradGuard", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons"]),
        .testTarget(name: "InitializersTests", dependencies: ["Initializers"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "Losses"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LossesTests", dependencies: ["Losses"]),
        .testTarget(name: "OptimizersTests", dependencies: ["Optimizers"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "VocabularyTests", dependencies: ["Vocabulary"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training"]),
        .testTarget(name: "DataParallelTests", dependencies: ["DataParallel"]),
        .testTarget(
            name: "ReferenceCasesTests", dependencies: ["ReferenceCases"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "Initializers"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard", "TestSupport"], exclude: ["read_events.py"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "Initializers"]),
        .testTarget(name: "RunsTests", dependencies: ["Runs"]),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor"], exclude: ["Experiments"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport", "CZlib"]),
        .testTarget(name: "GradGuardTests", dependencies: ["GradGuard", "TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"]),
    ]
)
