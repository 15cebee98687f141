// Cancellation of a running query, polled by operators once per chunk.
//
// The caller that runs a plan installs a `QueryCancellation` for the current thread with
// `Interruption.run(_:_:)`. Every operator calls `Interruption.check()` once per chunk it
// returns, and operators that do much work for one input chunk (joins, table functions,
// per-row subqueries, regular expression matching) call it inside their loops too.

import Foundation

/// Something that can tell a running query to stop.
public protocol QueryCancellation: AnyObject, Sendable {
    /// Throws the cancellation error (SQLSTATE 57014) once the query should stop.
    func checkCancelled() throws
}

public enum Interruption {
    private static let threadKey = "teledb.query-cancellation"

    /// Runs `body` with `cancellation` polled by the operators it drives on this thread.
    public static func run<Result>(_ cancellation: any QueryCancellation, _ body: () throws -> Result) rethrows
        -> Result
    {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[threadKey]
        dictionary[threadKey] = cancellation
        defer { dictionary[threadKey] = previous }
        return try body()
    }

    /// The cancellation installed on this thread, which parallel workers install on theirs.
    static var current: (any QueryCancellation)? {
        Thread.current.threadDictionary[threadKey] as? any QueryCancellation
    }

    /// Throws when the query running on this thread was cancelled.
    ///
    /// - Complexity: One thread-dictionary lookup, so call it per chunk, not per row.
    public static func check() throws {
        guard let cancellation = Thread.current.threadDictionary[threadKey] as? any QueryCancellation else { return }
        try cancellation.checkCancelled()
    }
}
