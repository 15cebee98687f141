import Foundation
import TeleCore
import TeleDB
import Testing
@testable import TeleShell

@Suite struct ShellTests {
    func makeSession() -> ScriptedSession {
        let session = ScriptedSession()
        session.answer("SELECT 1", with: makeResult([("x", .integer)], [[.integer(1)]]))
        session.answer("SELECT\n1", with: makeResult([("x", .integer)], [[.integer(1)]]))
        session.fail("SELECT * FORM t", with: TeleError(
            .syntaxError, "syntax error at or near \"FORM\"", hint: "Check the spelling.",
            position: SourcePosition(offset: 9, line: 1, column: 10)))
        session.tables = ["t": [ResultColumn(name: "a", type: .integer), ResultColumn(name: "Mixed Case", type: .varchar)]]
        return session
    }

    @Test func runsMultiLineStatement() {
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session)
        var pending = PendingInput()
        shell.process(line: "SELECT", lineNumber: 1, pending: &pending)
        #expect(!pending.isEmpty)
        #expect(session.executed.isEmpty)
        shell.process(line: "1;", lineNumber: 2, pending: &pending)
        #expect(pending.isEmpty)
        #expect(session.executed == ["SELECT\n1"])
        #expect(capture.output.contains("│ x │") || capture.output.contains("│    x    │"))
    }

    @Test func modeCommandSwitchesFormat() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession())
        shell.runScript(".mode csv\nSELECT 1;\n")
        #expect(shell.mode == .csv)
        #expect(capture.output == "x\r\n1\r\n")
        #expect(capture.errors == "")
    }

    @Test func scriptErrorNamesLineAndContinues() {
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session)
        shell.mode = .csv
        shell.runScript("SELECT 1;\n\nSELECT * FORM t;\nSELECT 1;\n")
        #expect(shell.errorCount == 1)
        #expect(session.executed == ["SELECT 1", "SELECT * FORM t", "SELECT 1"])
        let expected = """
            Error: near line 3: syntax error at or near "FORM"
            LINE 3: SELECT * FORM t
                             ^
            HINT: Check the spelling.

            """
        #expect(capture.errors == expected)
    }

    @Test func promptErrorHasNoLinePrefix() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession(), inScript: false)
        shell.runScript("SELECT * FORM t;")
        #expect(capture.errors.hasPrefix("Error: syntax error at or near \"FORM\"\nLINE 1: "))
    }

    @Test func promptErrorCountsLinesFromStatement() {
        let error = TeleError(.syntaxError, "syntax error at or near \"x\"", position: SourcePosition(offset: 9, line: 2, column: 3))
        let statement = SplitStatement(text: "SELECT\n  x y", line: 40)
        let atPrompt = ErrorFormatter.format(error, statement: statement, inScript: false)
        #expect(atPrompt == "Error: syntax error at or near \"x\"\nLINE 2:   x y\n          ^\n")
        let inScript = ErrorFormatter.format(error, statement: statement, inScript: true)
        #expect(inScript.hasPrefix("Error: near line 40: syntax error at or near \"x\"\nLINE 41:   x y\n"))
    }

    @Test func unknownDotCommandIsAnError() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession(), inScript: false)
        shell.runScript(".frobnicate")
        #expect(shell.errorCount == 1)
        #expect(capture.errors == "Error: unknown dot command \".frobnicate\"\nHINT: Type .help to list the dot commands.\n")
    }

    @Test func schemaPrintsCreateTable() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession())
        shell.runScript(".schema t\n.tables")
        #expect(capture.output == "CREATE TABLE t (a INTEGER, \"Mixed Case\" VARCHAR);\nt\n")
    }

    @Test func schemaOfMissingTableSuggestsName() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession(), inScript: false)
        shell.runScript(".schema tt")
        #expect(capture.errors == "Error: table \"tt\" not found\nHINT: Did you mean \"t\"?\n")
    }

    @Test func timerPrintsRunTime() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession())
        shell.runScript(".timer on\n.mode csv\nSELECT 1;")
        #expect(capture.output.hasPrefix("x\r\n1\r\nRun Time: "))
        #expect(capture.output.hasSuffix(" s\n"))
    }

    @Test func settingsRejectBadArguments() {
        let capture = OutputCapture()
        let shell = capture.makeShell(session: makeSession(), inScript: false)
        shell.runScript(".mode xml\n.timer maybe\n.maxrows -1\n.maxrows 7")
        #expect(shell.errorCount == 3)
        #expect(shell.maxRows == 7)
        #expect(capture.errors.contains("Error: invalid output mode \"xml\"\n"))
    }

    @Test func quitStopsScript() {
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session)
        shell.runScript(".quit\nSELECT 1;")
        #expect(shell.shouldQuit)
        #expect(session.executed.isEmpty)
    }

    @Test func blockCommentBeforeStatement() {
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session)
        shell.runScript("-- a comment\n/* opens\n closes */\nSELECT 1;")
        #expect(session.executed == ["/* opens\n closes */\nSELECT 1"])
    }

    @Test func lastStatementWithoutSemicolonRuns() {
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session)
        shell.runScript("SELECT 1")
        #expect(session.executed == ["SELECT 1"])
    }

    @Test func readRunsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-read-\(UUID().uuidString).sql").path
        try "SELECT 1;\nSELECT * FORM t;\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session, inScript: false)
        shell.runScript(".read \(path)")
        #expect(session.executed == ["SELECT 1", "SELECT * FORM t"])
        #expect(capture.errors.hasPrefix("Error: near line 2: "))
        #expect(!shell.inScript)
    }

    @Test func readCycleIsRejected() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.sql").path
        let second = folder.appendingPathComponent("b.sql").path
        try "SELECT 1;\n.read \(second)\n".write(toFile: first, atomically: true, encoding: .utf8)
        try "SELECT 2;\n.read \(first)\n".write(toFile: second, atomically: true, encoding: .utf8)
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session, inScript: false)
        shell.runScript(".read \(first)")
        #expect(session.executed == ["SELECT 1", "SELECT 2"])
        #expect(capture.errors.contains("a.sql -> b.sql -> a.sql"))
        #expect(capture.errors.components(separatedBy: "nest too deeply or in a cycle").count == 2)
    }

    @Test func caretUsesByteOffset() {
        let located = ErrorFormatter.locate(SourcePosition(offset: 14, line: 2, column: 5), in: "SELECT 1,\n  é + x")
        #expect(located?.0 == "  é + x")
        // "  é " is 4 characters but 5 bytes, so the caret sits under "+" at column 4.
        #expect(located?.1 == 3)
        #expect(located?.2 == 1)
    }

    @Test func completionKeepsTypedCase() {
        let words = ["SELECT", "SET", "sessions", "sum"]
        #expect(CompletionMatcher.matches(for: "se", among: words) == ["select", "set", "sessions"])
        #expect(CompletionMatcher.matches(for: "SE", among: words) == ["SELECT", "SET", "sessions"])
        #expect(CompletionMatcher.matches(for: "x", among: words).isEmpty)
    }

    @Test func interruptDropsPendingInput() {
        final class ScriptedInput: LineInput {
            var lines: [String]
            var interruptBefore: Int
            init(lines: [String], interruptBefore: Int) {
                self.lines = lines
                self.interruptBefore = interruptBefore
            }
            var history: [String] = []
            var served = 0
            func readLine(prompt: String) -> String? {
                guard !lines.isEmpty else { return nil }
                served += 1
                return lines.removeFirst()
            }
            func addHistory(_ entry: String) { history.append(entry) }
            func takeInterrupt() -> Bool { served == interruptBefore }
        }
        let capture = OutputCapture()
        let session = makeSession()
        let shell = capture.makeShell(session: session, inScript: false)
        let input = ScriptedInput(lines: ["SELECT * FROM", "SELECT 1;"], interruptBefore: 2)
        InputLoop.run(shell: shell, input: input, interactive: true)
        #expect(session.executed == ["SELECT 1"])
        #expect(input.history == ["SELECT 1;"])

        // Without an interrupt, a statement over two lines is one history entry.
        let continued = ScriptedInput(lines: ["SELECT", "1;", ".timer on"], interruptBefore: 0)
        InputLoop.run(shell: shell, input: continued, interactive: true)
        #expect(session.executed == ["SELECT 1", "SELECT\n1"])
        #expect(continued.history == ["SELECT 1;", ".timer on"])
    }

    @Test func progressBarRendering() {
        #expect(ProgressBar.render(done: 5, total: 10, unit: .files) == "[" + String(repeating: "#", count: 15) + String(repeating: " ", count: 15) + "]  50% 5/10 files")
        #expect(ProgressBar.render(done: 0, total: 0, unit: .files).hasPrefix("[" + String(repeating: "#", count: 30) + "] 100%"))
        #expect(ProgressBar.render(done: 2_500_000, total: 10_000_000, unit: .bytes).hasSuffix("]  25% 2.5/10.0 MB"))
    }
}

@Suite struct IngestFilesTests {
    @Test func expandsDirectoriesSorted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("b"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["z.json", "a.ndjson", "b/c.json", "notes.txt"] {
            try "{}".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let files = try IngestFiles.expand([directory.path, "/dev/null"])
        #expect(files == [directory.path + "/a.ndjson", directory.path + "/b/c.json", directory.path + "/z.json", "/dev/null"])
    }

    @Test func missingPathThrows() {
        #expect(throws: TeleError.self) { try IngestFiles.expand(["/nonexistent/pings"]) }
    }
}
