import Testing
@testable import TeleShell

@Suite struct ArgumentParserTests {
    @Test func shellForms() throws {
        #expect(try ArgumentParser.parse([]) == .shell(databasePath: nil, mode: nil))
        #expect(try ArgumentParser.parse(["db.tdb"]) == .shell(databasePath: "db.tdb", mode: nil))
        #expect(try ArgumentParser.parse(["db.tdb", "--mode", "csv"]) == .shell(databasePath: "db.tdb", mode: .csv))
    }

    @Test func commandForm() throws {
        #expect(try ArgumentParser.parse(["db.tdb", "-c", "SELECT 1", "--mode", "json"])
            == .run(databasePath: "db.tdb", sql: "SELECT 1", mode: .json))
        #expect(try ArgumentParser.parse(["-c", "SELECT 1"]) == .run(databasePath: nil, sql: "SELECT 1", mode: nil))
    }

    @Test func helpAndVersion() throws {
        #expect(try ArgumentParser.parse(["--help"]) == .help)
        #expect(try ArgumentParser.parse(["-h"]) == .help)
        #expect(try ArgumentParser.parse(["--version"]) == .version)
    }

    @Test func ingestForm() throws {
        #expect(try ArgumentParser.parse(["ingest", "db", "--dedupe", "a.json", "--schema", "s.json", "dir"])
            == .ingest(databasePath: "db", dedupe: true, schemaPath: "s.json", inputs: ["a.json", "dir"]))
        #expect(try ArgumentParser.parse(["ingest", "db", "x.ndjson"])
            == .ingest(databasePath: "db", dedupe: false, schemaPath: nil, inputs: ["x.ndjson"]))
    }

    @Test func ingestNeedsFiles() {
        #expect(throws: UsageError("ingest needs at least one FILE or DIR after \"db\"")) { try ArgumentParser.parse(["ingest", "db"]) }
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["ingest"]) }
    }

    @Test func generateForm() throws {
        #expect(try ArgumentParser.parse(["generate", "pings", "--count", "100", "--seed", "7", "--out", "p.ndjson"])
            == .generatePings(count: 100, seed: 7, outputPath: "p.ndjson"))
        #expect(try ArgumentParser.parse(["generate", "dataset", "--rows", "1000", "--seed", "3", "--out", "data"])
            == .generateDataset(rows: 1000, seed: 3, outputDirectory: "data"))
    }

    @Test func generateRejectsBadInput() {
        #expect(throws: UsageError("cannot generate \"users\"; use \"pings\" or \"dataset\"")) {
            try ArgumentParser.parse(["generate", "users"])
        }
        #expect(throws: UsageError("invalid --count \"ten\"; give a non-negative integer")) {
            try ArgumentParser.parse(["generate", "pings", "--count", "ten", "--out", "x"])
        }
        #expect(throws: UsageError("generate pings needs --out PATH")) {
            try ArgumentParser.parse(["generate", "pings", "--count", "1"])
        }
        #expect(throws: UsageError("unknown option \"--count\"")) {
            try ArgumentParser.parse(["generate", "dataset", "--count", "1", "--out", "data"])
        }
        #expect(throws: UsageError("generate dataset needs --rows N")) {
            try ArgumentParser.parse(["generate", "dataset", "--out", "data"])
        }
    }

    @Test func sqllogictestForm() throws {
        let command = try ArgumentParser.parse(["sqllogictest", "--fail-fast", "--filter", "join", "--verbose", "a.test", "dir"])
        #expect(command == .sqllogictest(options: SQLLogicTestOptions(failFast: true, filter: "join", verbose: true), paths: ["a.test", "dir"]))
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["sqllogictest"]) }
    }

    @Test func unknownOptionIsNamed() {
        #expect(throws: UsageError("unknown option \"--frobnicate\"")) { try ArgumentParser.parse(["db", "--frobnicate"]) }
        #expect(throws: UsageError("unknown option \"-x\"")) { try ArgumentParser.parse(["sqllogictest", "-x", "a.test"]) }
        #expect(throws: UsageError("unknown option \"--fast\"")) { try ArgumentParser.parse(["ingest", "db", "--fast", "a"]) }
    }

    @Test func missingOptionValue() {
        #expect(throws: UsageError("option \"-c\" needs a value")) { try ArgumentParser.parse(["db", "-c"]) }
        #expect(throws: UsageError("invalid output mode \"xml\"; use one of table, csv, json, markdown, line, chart")) {
            try ArgumentParser.parse(["db", "--mode", "xml"])
        }
    }

    @Test func secondDatabasePathRejected() {
        #expect(throws: UsageError.self) { try ArgumentParser.parse(["a.tdb", "b.tdb"]) }
    }

    @Test func unknownOptionExitsWithUsage() {
        let engine = ScriptedEngine(database: ScriptedDatabase())
        #expect(CommandLineTool.main(arguments: ["--bogus"], engine: engine) == 2)
    }
}
