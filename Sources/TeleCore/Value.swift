// A single SQL value, boxed. Values carry constants through the planner and rows out to the
// shell and clients; kernels never loop over them (they use `Vector`).

public enum Value: Hashable, Sendable, CustomStringConvertible {
    case null
    case boolean(Bool)
    /// SMALLINT, INTEGER and BIGINT.
    case integer(Int64)
    /// REAL and DOUBLE.
    case double(Double)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int64)
    /// Microseconds since 1970-01-01 00:00:00 UTC.
    case timestamp(Int64)
    case interval(Interval)
    case histogram(Histogram)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The type this value has on its own; integers report BIGINT and floats DOUBLE.
    public var naturalType: DataType {
        switch self {
        case .null: return .null
        case .boolean: return .boolean
        case .integer: return .bigint
        case .double: return .double
        case .string: return .varchar
        case .date: return .date
        case .timestamp: return .timestamp
        case .interval: return .interval
        case .histogram: return .histogram
        }
    }

    /// The value as PostgreSQL's text output prints it; NULL prints as `NULL`.
    public var description: String { text ?? "NULL" }

    /// The value in PostgreSQL's text format, or nil for NULL.
    public var text: String? {
        switch self {
        case .null: return nil
        case .boolean(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .double(let value): return Value.formatDouble(value)
        case .string(let value): return value
        case .date(let days): return DateTime.formatDate(days)
        case .timestamp(let micros): return DateTime.formatTimestamp(micros)
        case .interval(let value): return value.description
        case .histogram(let value): return value.description
        }
    }

    /// Formats a double the way PostgreSQL does: shortest round-trip digits, `Infinity`,
    /// `-Infinity` and `NaN` spelled out, and no trailing `.0` on whole numbers.
    public static func formatDouble(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 {
            return value == 0 ? (value.sign == .minus ? "-0" : "0") : String(Int64(value))
        }
        return String(value)
    }
}
