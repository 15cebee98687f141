// The narrow view of a database session that the shell and the sqllogictest runner need.
//
// The shell talks to the engine only through this protocol, so formatting, dot commands and
// the runner can be tested against a scripted session. TeleDB's `Session` conforms in
// DatabaseBinding.swift.

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
}
