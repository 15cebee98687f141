// The narrow view of the database engine that the shell, the command line and the
// sqllogictest runner need.
//
// The shell talks to the engine only through these protocols, so formatting, dot commands,
// scripts and the runner can be tested against scripted sessions. TeleDB's `Database` and
// `Session` conform in DatabaseBinding.swift.

import TeleCore
import TeleDB

/// A connection that runs SQL and describes its catalog.
public protocol ShellSession: AnyObject {
    /// Runs one or more `;`-separated statements and returns one result per statement.
    ///
    /// - Throws: `TeleError` for the first statement that fails; earlier statements stay done.
    func execute(_ sql: String) throws -> [StatementResult]
    var tableNames: [String] { get }
    func columns(of table: String) -> [ResultColumn]?
    /// Asks the running statement to stop; callable from any thread.
    func cancel()
    /// Rows read so far by the running statement, and rows of the tables it reads.
    var queryProgress: (done: Int, total: Int) { get }
}

extension ShellSession {
    public func cancel() {}
    public var queryProgress: (done: Int, total: Int) { (0, 0) }
}

/// An open database.
public protocol ShellDatabase: AnyObject {
    func makeSession() -> any ShellSession
    /// Ingests ping files and returns the report's summary line and its notices.
    func ingest(files: [String], dedupe: Bool, schemaPath: String?,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws -> IngestSummary
}

/// What an ingest run prints.
public struct IngestSummary: Sendable, Equatable {
    /// One line with the counts of files, documents, rows and the time taken.
    public var line: String
    public var notices: [String]

    public init(line: String, notices: [String]) {
        self.line = line
        self.notices = notices
    }
}

/// The engine as a whole: opening databases and the facts the shell completes and prints.
public protocol ShellEngine {
    func openDatabase(path: String) throws -> any ShellDatabase
    func inMemoryDatabase() -> any ShellDatabase
    /// The database `teledb` opens when no path is given.
    var defaultDatabasePath: String { get }
    /// Writes `count` generated pings as NDJSON to `path`.
    func generatePings(count: Int, seed: UInt64, to path: String) throws
    /// SQL keywords and function names, for tab completion.
    var keywords: [String] { get }
    var functionNames: [String] { get }
    /// The version `teledb --version` prints.
    var version: String { get }
}

extension ShellEngine {
    /// Opens `path`, or a fresh in-memory database for `:memory:`.
    public func open(_ path: String) throws -> any ShellDatabase {
        path == ShellEngineConstants.memoryPath ? inMemoryDatabase() : try openDatabase(path: path)
    }
}

public enum ShellEngineConstants {
    /// The DBPATH that opens an in-memory database, as in SQLite and DuckDB.
    public static let memoryPath = ":memory:"
}
