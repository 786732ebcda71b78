// swift-tools-version:6.1
// frenemy: a systemd daemon that watches the news for supplier conflicts of interest.
// Folders under Sources/ follow the data flow: fetch -> parse -> match -> store -> notify,
// with shims/ the only place that touches C APIs.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "frenemy",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "frenemyd", targets: ["frenemyd"]),
        .executable(name: "frenemyctl", targets: ["frenemyctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Receivers' message templates: a maintained Mustache implementation instead of our own.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C shims: the only targets that see C APIs; each is wrapped once by a Swift module.
        .target(name: "CCurl", path: "Sources/shims/CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .systemLibrary(name: "CSystemd", path: "Sources/shims/CSystemd", pkgConfig: "libsystemd"),
        .systemLibrary(name: "CLibXML2", path: "Sources/shims/CLibXML2", pkgConfig: "libxml-2.0"),
        .systemLibrary(name: "CSQLite", path: "Sources/shims/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CMalloc", path: "Sources/shims/CMalloc"),

        // Pure core: no I/O.
        .target(name: "FrenemyModel", path: "Sources/model/FrenemyModel", swiftSettings: strict),
        .target(name: "TextNormalizer", path: "Sources/parse/TextNormalizer", swiftSettings: strict),
        .target(
            name: "XMLTree", dependencies: ["CLibXML2", "TextNormalizer"], path: "Sources/parse/XMLTree",
            swiftSettings: strict),
        .target(
            name: "FeedParser", dependencies: ["FrenemyModel", "TextNormalizer", "XMLTree"],
            path: "Sources/parse/FeedParser", swiftSettings: strict),
        .target(
            name: "RuleEngine",
            dependencies: ["FrenemyModel", .product(name: "Yams", package: "Yams")],
            path: "Sources/match/RuleEngine", swiftSettings: strict),
        .executableTarget(
            name: "MatchBenchmark", dependencies: ["RuleEngine"], path: "Benchmarks/MatchBenchmark",
            exclude: ["README.md"], swiftSettings: strict),
        .target(
            name: "FrenemyConfig",
            dependencies: ["FrenemyModel", "SourceAdapters", .product(name: "Yams", package: "Yams")],
            path: "Sources/config/FrenemyConfig", swiftSettings: strict),

        // Edges that do I/O, each behind a small protocol.
        .target(name: "HTTPClient", dependencies: ["CCurl"], path: "Sources/fetch/HTTPClient", swiftSettings: strict),
        // Pure: per-type URLs, body parsing and post-processing, politeness facts; I/O only in DirectorySpool.
        .target(
            name: "SourceAdapters", dependencies: ["FrenemyModel", "FeedParser", "TextNormalizer"],
            path: "Sources/fetch/SourceAdapters",
            swiftSettings: strict),
        .target(name: "Systemd", dependencies: ["CSystemd"], path: "Sources/system/Systemd", swiftSettings: strict),
        // The store's roles as protocols; SQLite is the embedded implementation, and nothing
        // outside store/ names it.
        .target(
            name: "StateStore", dependencies: ["FrenemyModel"], path: "Sources/store/StateStore", swiftSettings: strict),
        .target(
            name: "SQLiteStore", dependencies: ["CSQLite", "FrenemyModel", "StateStore"],
            path: "Sources/store/SQLiteStore",
            swiftSettings: strict),
        // Alert → journal entry (the record every alert gets, whatever the routes say).
        .target(
            name: "AlertJournal", dependencies: ["FrenemyModel", "Systemd"], path: "Sources/alert/AlertJournal",
            swiftSettings: strict),
        // Pure: labels → receivers (routing tree, matchers, grouping).
        .target(
            name: "Dispatcher", dependencies: ["FrenemyModel", "FrenemyConfig"], path: "Sources/dispatch/Dispatcher",
            swiftSettings: strict),
        // One folder per integration under notify/, behind the Notifier protocol in notify/core.
        .target(
            name: "Notify",
            dependencies: [
                "FrenemyModel", "FrenemyConfig", "HTTPClient", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Sources/notify", swiftSettings: strict),
        .target(
            name: "DaemonCore",
            dependencies: [
                "FrenemyModel", "FrenemyConfig", "HTTPClient", "FeedParser", "RuleEngine", "SourceAdapters",
                "StateStore",
                "AlertJournal", "Dispatcher", "Notify", "Systemd", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/daemon/DaemonCore", swiftSettings: strict),
        .target(
            name: "ControlAPI",
            dependencies: [
                "DaemonCore", "FrenemyConfig", "FrenemyModel", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/api/ControlAPI", swiftSettings: strict),

        // Thin executables.
        .executableTarget(
            name: "frenemyd",
            dependencies: [
                "CMalloc", "DaemonCore", "ControlAPI", "FrenemyConfig", "FrenemyModel", "HTTPClient", "RuleEngine",
                "AlertJournal", "Notify", "SQLiteStore", "StateStore", "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/cli/frenemyd", swiftSettings: strict),
        .executableTarget(
            name: "frenemyctl",
            dependencies: [
                "FrenemyModel", "FrenemyConfig", "FeedParser", "RuleEngine", "HTTPClient", "SourceAdapters",
                "Dispatcher",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/cli/frenemyctl", swiftSettings: strict),

        // Benchmarks: not run by `make test`; see Benchmarks/FeedBenchmark/main.swift.
        .executableTarget(
            name: "FeedBenchmark", dependencies: ["FeedParser"], path: "Benchmarks/FeedBenchmark",
            swiftSettings: strict),

        // Unit tests mirror the modules; end-to-end tests live in Tests/e2e and drive the binaries.
        .testTarget(
            name: "FeedParserTests", dependencies: ["FeedParser", "XMLTree", "TextNormalizer"],
            path: "Tests/FeedParserTests", resources: [.copy("Fixtures")]),
        .testTarget(name: "RuleEngineTests", dependencies: ["RuleEngine"], path: "Tests/RuleEngineTests"),
        .testTarget(
            name: "FrenemyConfigTests", dependencies: ["FrenemyConfig", "SourceAdapters"],
            path: "Tests/FrenemyConfigTests"),
        .testTarget(
            name: "SourceAdaptersTests", dependencies: ["SourceAdapters", "FrenemyModel", "FeedParser"],
            path: "Tests/SourceAdaptersTests", resources: [.copy("Fixtures")]),
        .testTarget(
            name: "HTTPClientTests", dependencies: ["HTTPClient"], path: "Tests/HTTPClientTests",
            exclude: ["loopback_server.py"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"], path: "Tests/SystemdTests"),
        .testTarget(name: "StoreTests", dependencies: ["SQLiteStore", "StateStore"], path: "Tests/StoreTests"),
        .testTarget(
            name: "DaemonCoreTests",
            dependencies: [
                "DaemonCore", "HTTPClient", "SQLiteStore", "StateStore", "AlertJournal", "Notify", "RuleEngine",
                "Dispatcher",
            ],
            path: "Tests/DaemonCoreTests"),
        .testTarget(name: "AlertJournalTests", dependencies: ["AlertJournal"], path: "Tests/AlertJournalTests"),
        .testTarget(
            name: "DispatcherTests", dependencies: ["Dispatcher", "FrenemyConfig"], path: "Tests/DispatcherTests"),
        .testTarget(
            name: "NotifyTests", dependencies: ["Notify", "FrenemyConfig", "HTTPClient"], path: "Tests/NotifyTests"),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, only when FRENEMY_FUZZ=1 (`make fuzz` sets it and builds them with
// -sanitize=fuzzer,address): they have no main of their own, so an ordinary build, `swift test`
// and the lint never see them. Seeds and the run loop are in Fuzz/run.sh.
if Context.environment["FRENEMY_FUZZ"] == "1" {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzFeedParser", ["FeedParser"]),
        ("FuzzRules", ["RuleEngine"]),
        ("FuzzConfig", ["FrenemyConfig"]),
        ("FuzzSourceBody", ["SourceAdapters", "FeedParser", "FrenemyModel"]),
    ]
    // Each target's `main` hands over to libFuzzer (LLVMFuzzerRunDriver): SwiftPM names `main` itself.
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver", swiftSettings: strict))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: name, dependencies: dependencies + ["FuzzDriver"], path: "Fuzz/\(name)", swiftSettings: strict))
    }
}
