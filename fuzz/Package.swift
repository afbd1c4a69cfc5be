// swift-tools-version:6.0
// The fuzzing harness: GradGuard's readers under libFuzzer (clang's coverage-guided fuzzer,
// which ships with the Swift toolchain). A package of its own so the main package keeps one
// executable; build and run it with fuzz/run.sh (see fuzz/README.md).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "GradGuardFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "gradguard-fuzz",
            dependencies: [.product(name: "GradGuard", package: root.lastPathComponent)]),
    ]
)
