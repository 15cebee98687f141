// Runs the project's sqllogictest files and the shared corpus's select1.test on the real
// engine through the runner, expecting no failures.

import Foundation
import Testing
@testable import TeleShell

@Suite struct SQLFilesTests {
    /// The repository root: three levels above this file (Tests/TeleShellTests/<file>).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func runFiles(_ paths: [String]) throws -> [SQLLogicTestFileResult] {
        let engine = TeleDBEngine()
        let runner = SQLLogicTestRunner(options: SQLLogicTestOptions()) { engine.inMemoryDatabase().makeSession() }
        var log: [String] = []
        let results = try runner.run(paths: paths) { log.append($0) }
        for result in results where result.failed > 0 {
            let text = result.summary + "\n" + result.failures.prefix(5).map(\.report).joined()
            Issue.record(Comment(rawValue: text))
        }
        return results
    }

    @Test func projectSQLFilesPass() throws {
        let directory = Self.repositoryRoot.appendingPathComponent("Tests/SQL").path
        let results = try Self.runFiles([directory])
        #expect(results.count >= 13)
        #expect(results.allSatisfy { $0.failed == 0 })
    }

    @Test func sharedSelect1Passes() throws {
        let path = Self.repositoryRoot.appendingPathComponent("../shared/sqllogictest/test/select1.test").standardized.path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let results = try Self.runFiles([path])
        #expect(results.first?.failed == 0)
        #expect((results.first?.passed ?? 0) > 1000)
    }
}
