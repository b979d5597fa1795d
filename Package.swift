// swift-tools-version:6.0
// Recur: a terminal workbench for recurrent neural networks. The layering is described in
// docs/architecture.md: engine (no UI) → TerminalKit (no engine) → RecurWorkbench → recur.
import PackageDescription

#if os(macOS)
let ncursesPkgConfig: String? = "ncursesw"
#else
let ncursesPkgConfig: String? = nil
#endif

let package = Package(
    name: "Recur",
    // formatted(.number) needs macOS 12, the stdlib's String.contains(_:) 13; Xcode 16
    // (Swift 6) runs on macOS 14.5+ anyway.
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "recur", targets: ["recur"]),
        .library(name: "RecurEngine", targets: ["RecurEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - C
        // Linux needs no pkg-config (headers and libncursesw are on the default paths, and
        // ncursesw.pc adds only -D flags SwiftPM warns about; shim.h sets them); macOS
        // finds Homebrew's keg-only ncurses through it, or else uses the system's.
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: ncursesPkgConfig,
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        // SwiftPM's release -O2: -O3 measured no faster (Tests/Reference/c_optimization_speed.sh).
        .target(name: "CRecurKernels"),

        // MARK: - Libraries
        // Plain -O: -Ounchecked measured no gain (Tests/Reference/ounchecked_speed.sh), and
        // without it every Swift bounds and overflow check stays in the binary users run.
        .target(
            name: "RecurEngine",
            dependencies: ["CRecurKernels"]
        ),
        .target(
            name: "TerminalKit",
            dependencies: ["CNcurses"],
            linkerSettings: [.linkedLibrary("ncursesw", .when(platforms: [.linux])),
                             .linkedLibrary("ncurses", .when(platforms: [.macOS]))]
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
        .testTarget(name: "RecurWorkbenchTests", dependencies: ["RecurWorkbench", "RecurEngine", "TerminalKit"],
                    exclude: ["Goldens"]),  // read through #filePath, not bundled
        .testTarget(name: "RecurCommandLineTests", dependencies: ["RecurCommandLine", "RecurEngine"]),
    ]
)
