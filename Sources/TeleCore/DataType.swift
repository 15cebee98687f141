// The SQL types TeleDB knows, and how each one is laid out in a vector.
//
// Logical types are what SQL sees; physical types are what kernels loop over. Every integer
// type, DATE (days since 1970-01-01) and TIMESTAMP (microseconds since 1970-01-01 00:00:00
// UTC) share the Int64 layout, and REAL and DOUBLE share Double, so one kernel per physical
// type serves several SQL types.

/// A SQL type as the binder and the user see it.
public enum DataType: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case boolean
    case smallint
    case integer
    case bigint
    case real
    case double
    case varchar
    case date
    case timestamp
    case interval
    case histogram
    /// The type of an untyped NULL literal; it converts implicitly to every other type.
    case null

    /// The name PostgreSQL prints for the type.
    public var sqlName: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case .real: return "REAL"
        case .double: return "DOUBLE"
        case .varchar: return "VARCHAR"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        case .interval: return "INTERVAL"
        case .histogram: return "HISTOGRAM"
        case .null: return "NULL"
        }
    }

    public var description: String { sqlName }

    public var physical: PhysicalType {
        switch self {
        case .boolean: return .bool
        case .smallint, .integer, .bigint, .date, .timestamp: return .int64
        case .real, .double: return .double
        case .varchar: return .string
        case .interval: return .interval
        case .histogram: return .histogram
        case .null: return .int64
        }
    }

    public var isInteger: Bool { self == .smallint || self == .integer || self == .bigint }
    public var isFloating: Bool { self == .real || self == .double }
    public var isNumeric: Bool { isInteger || isFloating }
    public var isTemporal: Bool { self == .date || self == .timestamp }

    /// Parses a type name as SQL writes it (`INT`, `int4`, `TEXT`, `DOUBLE PRECISION`, ...).
    ///
    /// - Returns: nil when the name is not a type TeleDB supports.
    public static func named(_ name: String) -> DataType? {
        switch name.lowercased() {
        case "boolean", "bool": return .boolean
        case "smallint", "int2", "tinyint": return .smallint
        case "integer", "int", "int4", "mediumint", "signed": return .integer
        case "bigint", "int8", "long", "hugeint": return .bigint
        case "real", "float4": return .real
        case "double", "float", "float8", "double precision", "decimal", "numeric": return .double
        case "varchar", "text", "string", "char", "character", "character varying", "bpchar":
            return .varchar
        case "date": return .date
        case "timestamp", "datetime", "timestamp without time zone", "timestamptz",
            "timestamp with time zone":
            return .timestamp
        case "interval": return .interval
        case "histogram": return .histogram
        default: return nil
        }
    }
}

/// The in-memory layout of a vector's values.
public enum PhysicalType: Hashable, Sendable {
    /// One byte per value, 0 or 1.
    case bool
    case int64
    case double
    /// Bytes and offsets (see `StringColumn`), or dictionary codes into such a column.
    case string
    case interval
    case histogram
}
