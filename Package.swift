// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftRL",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SwiftRL", targets: ["SwiftRL"]),
        .executable(name: "swiftrl", targets: ["swiftrl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // Hot numerical kernels in C: compiled once per x86 ISA level (baseline, AVX2+FMA,
        // AVX-512) and dispatched at run time, so a plain `swift build -c release` is fast
        // on any CPU without `-target-cpu`. Also loads OpenBLAS with dlopen when present.
        .target(name: "CKernels", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // libm functions Swift's Glibc module leaves out (sincos), as inline C.
        .target(name: "CLibm", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // Seeded random generators; no dependency on tensors so environments can use them.
        .target(name: "Randomness"),
        // Gymnasium/TF-Agents environment API, native environments, wrappers, vector stepping.
        // Depends on nothing that does autodiff: fast CartPole needs no networks.
        .target(name: "Environments", dependencies: ["CLibm", "Randomness"]),
        // Any Gymnasium environment (Atari through ale-py included) run by Python worker
        // processes behind the Environment protocol. Python is needed only at run time.
        .target(name: "GymBridge", dependencies: ["Environments", "CProcess"], resources: [.embedInCode("worker.py")]),
        // libc calls for worker processes that Swift's Glibc module leaves out (sched_getcpu).
        .target(name: "CProcess"),
        // Shaped Float32 storage, broadcasting, CPU kernels, reverse-mode autodiff tape.
        .target(name: "Tensors", dependencies: ["CKernels", "Randomness"]),
        // Layers, initializers, losses, distributions, optimizers, schedules, safetensors.
        .target(name: "Networks", dependencies: ["Tensors", "Randomness"]),
        // Policies, the driver and its observers, metrics, and the algorithms (tabular,
        // policy search, REINFORCE, ...). One step loop shared by every agent.
        .target(name: "Agents", dependencies: ["Environments", "Networks", "Tensors", "Randomness"]),
        // The run around an agent: config files, run directory, CSV and TensorBoard writers,
        // checkpoints and resume, learning-curve plots, progress display.
        .target(name: "Training", dependencies: ["Agents", "Environments", "GymBridge", "Networks", "Tensors", "Randomness", "Yams"]),
        .target(name: "SwiftRL", dependencies: ["Randomness", "Environments", "GymBridge", "Tensors", "Networks", "Agents", "Training"]),
        .target(
            name: "BenchmarkSuites",
            dependencies: ["Environments", "Tensors", "Networks", "Randomness", "Agents"],
            path: "Benchmarks/BenchmarkSuites"
        ),
        .executableTarget(
            name: "swiftrl",
            dependencies: [
                "SwiftRL", "BenchmarkSuites", "Agents", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        // Fixtures are read from the source tree by path; the generators are Python scripts.
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Randomness"], exclude: ["Fixtures", "Generators"]),
        .testTarget(name: "GymBridgeTests", dependencies: ["GymBridge", "Environments", "Randomness"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "CKernels", "Randomness"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Tensors", "Randomness"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "Environments", "Networks", "Tensors", "Randomness"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Agents", "Environments", "Networks", "Tensors", "Randomness"]),
    ]
)
