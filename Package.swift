// swift-tools-version:6.0
//
// TeleDB is split into one target per pipeline stage. Dependencies point one way:
// syntax -> planner -> execution -> storage, with TeleCore (types, vectors, errors)
// underneath all of them and the database facade, the shell, the wire server and the
// executable on top. TeleSecurity (SCRAM-SHA-256 and TLS over OpenSSL) sits under the facade,
// which stores user verifiers.
import PackageDescription

// AVX2 code for every target: kernels inlined across modules must not fall back to SSE2.
let fastCode: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
]

let package = Package(
    name: "TeleDB",
    products: [
        .executable(name: "teledb", targets: ["teledb"]),
        .library(name: "TeleDB", targets: ["TeleDB"]),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),

        .target(name: "TeleCore", swiftSettings: fastCode),
        .target(name: "TeleSyntax", dependencies: ["TeleCore"], swiftSettings: fastCode),
        .target(name: "TeleStorage", dependencies: ["TeleCore", "CLZ4"], swiftSettings: fastCode),
        .target(
            name: "TeleExecution", dependencies: ["TeleCore", "TeleStorage"], swiftSettings: fastCode),
        .target(
            name: "TelePlanner", dependencies: ["TeleCore", "TeleSyntax", "TeleExecution", "TeleStorage"],
            swiftSettings: fastCode),
        .target(name: "TeleIngest", dependencies: ["TeleCore"], swiftSettings: fastCode),
        .target(
            name: "TeleDB",
            dependencies: [
                "TeleCore", "TeleSyntax", "TelePlanner", "TeleExecution", "TeleStorage", "TeleIngest",
                "TeleSecurity",
            ],
            swiftSettings: fastCode),
        .target(
            name: "TeleShell", dependencies: ["TeleDB", "TeleSyntax", "TeleCore", "TeleIngest", "CReadline"],
            swiftSettings: fastCode),
        .target(name: "TeleSecurity", dependencies: ["TeleCore", "COpenSSL"], swiftSettings: fastCode),
        .target(
            name: "TeleServer", dependencies: ["TeleDB", "TeleCore", "TeleSyntax", "TeleSecurity"], swiftSettings: fastCode),
        .executableTarget(
            name: "teledb", dependencies: ["TeleShell", "TeleDB", "TeleServer"], swiftSettings: fastCode),

        .testTarget(name: "TeleCoreTests", dependencies: ["TeleCore"]),
        .testTarget(name: "TeleSyntaxTests", dependencies: ["TeleSyntax"]),
        .testTarget(name: "TeleStorageTests", dependencies: ["TeleStorage"]),
        .testTarget(name: "TeleExecutionTests", dependencies: ["TeleExecution", "TeleStorage"]),
        .testTarget(name: "TelePlannerTests", dependencies: ["TelePlanner", "TeleSyntax"]),
        .testTarget(name: "TeleIngestTests", dependencies: ["TeleIngest"]),
        .testTarget(name: "TeleDBTests", dependencies: ["TeleDB"]),
        .testTarget(name: "TeleShellTests", dependencies: ["TeleShell", "TeleDB"]),
        .testTarget(name: "TeleSecurityTests", dependencies: ["TeleSecurity"]),
        .testTarget(name: "TeleServerTests", dependencies: ["TeleServer", "TeleDB"]),
    ]
)
