// The server's log: one line per event on stderr, with a UTC timestamp and a level.
//
// The server logs its start and stop, each connection's open and close, and every error it
// handles without passing it on. Tests pass their own sink to read the lines.

import Foundation
import Synchronization

/// The destination of the server's log lines.
public struct ServerLog: Sendable {
    public enum Level: String, Sendable {
        case info = "LOG"
        case warning = "WARNING"
        case error = "ERROR"
    }

    private let sink: @Sendable (String) -> Void

    /// Creates a log that writes to `sink`; the default writes to stderr.
    public init(sink: @escaping @Sendable (String) -> Void = ServerLog.writeToStandardError) {
        self.sink = sink
    }

    /// A log that drops every line.
    public static let discarding = ServerLog(sink: { _ in })

    public func info(_ message: String) { write(.info, message) }
    public func warning(_ message: String) { write(.warning, message) }
    public func error(_ message: String) { write(.error, message) }

    private func write(_ level: Level, _ message: String) {
        sink("\(ServerLog.timestamp()) \(level.rawValue): \(message)")
    }

    /// Writes one line to stderr; a lock keeps lines from different threads whole.
    @Sendable public static func writeToStandardError(_ line: String) {
        standardErrorLock.withLock { _ in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    private static let standardErrorLock = Mutex<Void>(())

    /// Returns the current time as `2026-12-05 01:02:03.456 UTC`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        let milliseconds = now.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, milliseconds)
    }
}
