// Paths and helpers shared by the facade's tests: a temporary directory per test, the
// shared data folder next to the repository, and the built teledb binary.

import Foundation
import TeleCore
import TeleDB

enum TestPaths {
    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/telemetry` next to the repository, or nil where it is absent.
    static var telemetry: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/telemetry")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The teledb binary that `swift build` placed next to the test bundle.
    static var teledbBinary: URL? {
        for configuration in ["debug", "release"] {
            let url = repositoryRoot.appendingPathComponent(".build/\(configuration)/teledb")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }
}

/// A fresh directory under the system's temporary folder, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension Session {
    /// The single value of a one-row, one-column query.
    func scalar(_ sql: String) throws -> Value {
        let results = try execute(sql)
        guard let rows = results.last?.rows, rows.count == 1, rows[0].count == 1 else {
            throw TeleError.internalError("expected one value from \(sql)")
        }
        return rows[0][0]
    }

    func count(_ sql: String) throws -> Int64 {
        guard case .integer(let value) = try scalar(sql) else {
            throw TeleError.internalError("expected an integer from \(sql)")
        }
        return value
    }
}
