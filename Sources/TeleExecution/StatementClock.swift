// The time that now(), current_timestamp and current_date return.
//
// PostgreSQL returns the start time of the current transaction from these functions, so
// every call in one statement, and in one BEGIN ... COMMIT block, returns the same value. The
// caller that runs a statement installs that time for the current thread with
// `StatementClock.run(at:_:)`, and the date functions read it. When nothing is installed (plans
// run directly by tests, constant folding outside a session), they read the system clock.

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public enum StatementClock {
    private static let threadKey = "teledb.statement-clock"

    /// Runs `body` with now() fixed at `micros` (microseconds since 1970, UTC) on this thread.
    public static func run<Result>(at micros: Int64, _ body: () throws -> Result) rethrows -> Result {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[threadKey]
        dictionary[threadKey] = NSNumber(value: micros)
        defer { dictionary[threadKey] = previous }
        return try body()
    }

    /// The statement time installed on this thread, which parallel workers install on theirs.
    static var installed: Int64? {
        (Thread.current.threadDictionary[threadKey] as? NSNumber)?.int64Value
    }

    /// Returns the installed statement time, or reads the system clock when none is installed.
    public static func now() -> Int64 {
        if let installed = Thread.current.threadDictionary[threadKey] as? NSNumber {
            return installed.int64Value
        }
        return systemMicros()
    }

    /// Reads the system's real-time clock in microseconds since 1970, UTC.
    public static func systemMicros() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
