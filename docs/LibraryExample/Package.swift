// swift-tools-version:6.0
// Using Recur as a library: a package that depends on RecurEngine. Here the dependency
// is this checkout (`path: "../.."`); elsewhere use
// `.package(url: "https://…/recur.git", from: "…")`.
import PackageDescription

let package = Package(
    name: "LibraryExample",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Recur", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "TinyShakespeare",
            dependencies: [.product(name: "RecurEngine", package: "Recur")]
        ),
    ]
)
