// swift-tools-version:6.0
import PackageDescription

// Module map (one concept per module; arrows are the only allowed imports):
//   KubeModel         Codable Kubernetes objects + untyped JSON; no I/O.
//   KubeClient        -> KubeModel, CCurl           the REST client over libcurl.
//   KubeStandin       -> KubeModel, NIO             the stand-in kube-apiserver for tests/benchmarks.
//   KubeRuntime       -> KubeModel, KubeClient      informers, cache, work queue, leader election, metrics, probes.
//   DynamoAPI         -> KubeModel                  the DynamoDeployment contract: types, validation, graph, desired state.
//   DynamoController  -> DynamoAPI, KubeRuntime, KubeClient   the reconciler.
//   ChildProcesses    (Foundation only)           programs run as logged child processes (bench, e2e).
let package = Package(
    name: "dynamo-operator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dynamo-operator", targets: ["dynamo-operator"]),
        .executable(name: "kube-standin", targets: ["kube-standin"]),
        .executable(name: "dynamo-bench", targets: ["dynamo-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "KubeModel"),
        .target(name: "ChildProcesses"),
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeModel", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "KubeStandin",
            dependencies: [
                "KubeModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "kube-standin",
            dependencies: [
                "KubeStandin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeModel", "KubeClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "DynamoAPI",
            dependencies: [
                "KubeModel",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "DynamoController",
            dependencies: [
                "DynamoAPI", "KubeRuntime", "KubeClient", "KubeModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "dynamo-operator",
            dependencies: [
                "DynamoController", "DynamoAPI", "KubeRuntime", "KubeClient", "KubeModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "dynamo-bench",
            dependencies: [
                "DynamoAPI", "DynamoController", "KubeClient", "KubeModel", "KubeStandin", "ChildProcesses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test-only: the one bounded poll every test target waits with.
        .target(name: "TestPolling", path: "Tests/TestPolling"),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"]),
        .testTarget(
            name: "KubeStandinTests",
            dependencies: ["KubeStandin", "KubeModel", "KubeClient", "TestPolling"]
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KubeClient", "KubeStandin", "KubeModel", "TestPolling"]
        ),
        .testTarget(name: "KubeRuntimeTests", dependencies: ["KubeRuntime", "KubeClient", "KubeStandin", "KubeModel", "TestPolling"]),
        .testTarget(
            name: "DynamoAPITests",
            dependencies: ["DynamoAPI", "KubeModel", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "DynamoControllerTests",
            // dynamo-operator: the CLI's flag parsing (RunCommand/DeployCommand.parse) is tested here.
            dependencies: ["DynamoController", "DynamoAPI", "KubeRuntime", "KubeClient", "KubeStandin", "KubeModel", "dynamo-operator", "TestPolling"]
        ),
        .testTarget(
            name: "E2ETests",
            dependencies: ["DynamoAPI", "KubeClient", "KubeStandin", "KubeModel", "DynamoController", "KubeRuntime", "ChildProcesses"]
        ),
    ]
)
