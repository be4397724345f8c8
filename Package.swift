// swift-tools-version:6.0
import PackageDescription

// Dependency direction (ARCHITECTURE.md): FixedPoint <- HDL <- {CircuitIR <- {Netlist, Waveform}, Blocks} <- EqSpike
// (the learning system) <- Analysis (report, figures) <- Tooling (bench, sweep, compare) <- eqspike.
// GoldenModel depends only on Datasets (and FixedPoint's LFSR32), so it stays an independent float reference.
let optimise: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "EqSpikeHW",
    products: [
        .executable(name: "eqspike", targets: ["eqspike"]),
    ],
    targets: [
        .target(name: "FixedPoint", swiftSettings: optimise),
        .target(name: "HDL", dependencies: ["FixedPoint"], swiftSettings: optimise),
        .target(name: "Waveform", dependencies: ["HDL", "CircuitIR"], swiftSettings: optimise),
        .target(name: "CircuitIR", dependencies: ["HDL"], swiftSettings: optimise),
        .target(name: "Netlist", dependencies: ["CircuitIR", "HDL"], swiftSettings: optimise),
        .target(name: "Blocks", dependencies: ["HDL"], swiftSettings: optimise),
        .target(name: "Datasets", swiftSettings: optimise),
        // The RTL back end: Verilog from the Circuit, constants and initial contents from the elaborated blocks.
        .target(name: "RTL", dependencies: ["CircuitIR", "HDL", "FixedPoint", "Blocks"], swiftSettings: optimise),
        .target(name: "GoldenModel", dependencies: ["Datasets", "FixedPoint"], swiftSettings: optimise),
        .target(name: "EqSpike", dependencies: ["Blocks", "Netlist", "Waveform", "Datasets", "GoldenModel"], swiftSettings: optimise),
        .target(name: "Analysis", dependencies: ["EqSpike", "Blocks", "Netlist", "HDL", "Datasets"], swiftSettings: optimise),
        .target(name: "Tooling", dependencies: ["EqSpike", "Analysis", "Blocks", "Netlist", "Waveform", "Datasets", "GoldenModel", "RTL"], swiftSettings: optimise),
        .executableTarget(name: "eqspike", dependencies: ["EqSpike", "Analysis", "Tooling", "GoldenModel", "RTL"], swiftSettings: optimise),
        .testTarget(name: "FixedPointTests", dependencies: ["FixedPoint"]),
        .testTarget(name: "HDLTests", dependencies: ["HDL"]),
        .testTarget(name: "WaveformTests", dependencies: ["Waveform"], exclude: ["Golden"]),
        .testTarget(name: "NetlistTests", dependencies: ["Netlist", "Blocks"]),
        .testTarget(name: "BlocksTests", dependencies: ["Blocks"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "GoldenModelTests", dependencies: ["GoldenModel"]),
        .testTarget(name: "RTLTests", dependencies: ["RTL", "EqSpike", "Tooling"]),
        .testTarget(name: "EqSpikeTests", dependencies: ["EqSpike", "Analysis", "Tooling"]),
    ]
)
