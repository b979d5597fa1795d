// swift-tools-version:6.0
// Recur: a terminal workbench for recurrent neural networks. The layering is described in
// docs/architecture.md: engine (no UI) → TerminalKit (no engine) → RecurWorkbench → recur.
import PackageDescription

let package = Package(
    name: "Recur",
    products: [
        .executable(name: "recur", targets: ["recur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - C
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(
            name: "CRecurKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),

        // MARK: - Libraries
        // Plain -O: -Ounchecked measured no gain (Tests/Reference/ounchecked_speed.sh), and
        // without it every Swift bounds and overflow check stays in the binary users run.
        .target(
            name: "RecurEngine",
            dependencies: ["CRecurKernels"]
        ),
        .target(
            name: "TerminalKit",
            dependencies: ["CNcurses"]
        ),
        .target(
            name: "RecurWorkbench",
            dependencies: ["RecurEngine", "TerminalKit"]
        ),
        // The command line's drivers (training setup and resume, headless training,
        // sampling to stdout): no terminal UI, so the workbench target holds none of it.
        .target(
            name: "RecurCommandLine",
            dependencies: ["RecurEngine"]
        ),

        // MARK: - Executable
        .executableTarget(
            name: "recur",
            dependencies: [
                "RecurEngine",
                "RecurWorkbench",
                "RecurCommandLine",
                "TerminalKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests
        .testTarget(name: "RecurEngineTests", dependencies: ["RecurEngine", "CRecurKernels"]),
        .testTarget(name: "TerminalKitTests", dependencies: ["TerminalKit"]),
        .testTarget(name: "RecurWorkbenchTests", dependencies: ["RecurWorkbench", "RecurEngine", "TerminalKit"], exclude: ["Goldens"]),
        .testTarget(name: "RecurCommandLineTests", dependencies: ["RecurCommandLine", "RecurEngine"]),
    ]
)
