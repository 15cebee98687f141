// Connects the shell's engine protocols to TeleDB's `Database` and `Session`.

import TeleCore
import TeleDB

extension Session: ShellSession {
    public var queryProgress: (done: Int, total: Int) { monitor.progress }
}

extension Database: ShellDatabase {
    public func makeSession() -> any ShellSession { connect() }

    public func ingest(files: [String], dedupe: Bool, schemaPath: String?,
                       progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws -> IngestSummary {
        var options = PingIngestOptions()
        options.dedupe = dedupe
        options.schemaPath = schemaPath
        let report = try ingestPings(files: files, options: options, progress: progress)
        return IngestSummary(line: report.description, notices: report.notices)
    }
}

/// The TeleDB engine as the shell and the `teledb` command line use it.
public struct TeleDBEngine: ShellEngine {
    public init() {}

    public func openDatabase(path: String) throws -> any ShellDatabase { try Database.open(path: path) }
    public func inMemoryDatabase() -> any ShellDatabase { Database.inMemory() }
    public var defaultDatabasePath: String { Database.defaultPath }

    public func generatePings(count: Int, seed: UInt64, to path: String) throws {
        try Database.generatePings(count: count, seed: seed, to: path)
    }

    public var keywords: [String] { Session.keywords }
    public var functionNames: [String] { Session.functionNames }
    public var version: String { CommandLineTool.version }
}
