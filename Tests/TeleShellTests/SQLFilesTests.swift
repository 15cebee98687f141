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

@Suite struct EngineShellTests {
    func makeShell(_ capture: OutputCapture) -> Shell {
        let engine = TeleDBEngine()
        return Shell(engine: engine, database: engine.inMemoryDatabase(), inScript: true,
                     output: { capture.output += $0 }, errorOutput: { capture.errors += $0 })
    }

    @Test func scriptRunsOnEngine() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript("""
            CREATE TABLE t(id INTEGER, name VARCHAR);
            INSERT INTO t VALUES (1, 'a,b'), (2, NULL);
            .mode csv
            SELECT id, name FROM t ORDER BY id;
            .schema t
            """)
        #expect(capture.errors == "")
        #expect(capture.output == "id,name\r\n1,\"a,b\"\r\n2,\r\nCREATE TABLE t (id INTEGER, name VARCHAR);\n")
    }

    @Test func engineErrorNamesScriptLine() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript("SELECT 1;\n\nSELECT 1 FORM t;\n")
        #expect(shell.errorCount == 1)
        #expect(capture.errors.hasPrefix("Error: near line 3: syntax error at or near \"FORM\"\nLINE 3: SELECT 1 FORM t\n                 ^\n"))
    }
}
