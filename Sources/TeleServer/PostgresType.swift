// PostgreSQL type OIDs and sizes for TeleDB's SQL types, as RowDescription and
// ParameterDescription report them. The OIDs are fixed in PostgreSQL's pg_type catalog.

import TeleCore

enum PostgresType {
    static let unspecified: Int32 = 0
    static let bool: Int32 = 16
    static let bytea: Int32 = 17
    static let int8: Int32 = 20
    static let int2: Int32 = 21
    static let int4: Int32 = 23
    static let text: Int32 = 25
    static let json: Int32 = 114
    static let float4: Int32 = 700
    static let float8: Int32 = 701
    static let unknown: Int32 = 705
    static let varchar: Int32 = 1043
    static let date: Int32 = 1082
    static let timestamp: Int32 = 1114
    static let timestamptz: Int32 = 1184
    static let interval: Int32 = 1186
    static let numeric: Int32 = 1700

    /// Microseconds from 1970-01-01 (TeleDB's epoch) to 2000-01-01 (PostgreSQL's).
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let epochOffsetDays: Int64 = 10_957

    /// Returns the OID a result column of `type` is reported with. HISTOGRAM values go out as json,
    /// which every driver decodes without a catalog lookup; an untyped NULL column as text,
    /// as PostgreSQL reports `SELECT NULL`.
    static func oid(for type: DataType) -> Int32 {
        switch type {
        case .boolean: return bool
        case .smallint: return int2
        case .integer: return int4
        case .bigint: return int8
        case .real: return float4
        case .double: return float8
        case .varchar, .null: return text
        case .date: return date
        case .timestamp: return timestamp
        case .interval: return interval
        case .histogram: return json
        }
    }

    /// Returns the fixed size of a value of `type` in bytes, or -1 for variable-length types.
    static func size(for type: DataType) -> Int16 {
        switch type {
        case .boolean: return 1
        case .smallint: return 2
        case .integer, .real, .date: return 4
        case .bigint, .double, .timestamp: return 8
        case .interval: return 16
        case .varchar, .histogram, .null: return -1
        }
    }

    /// Returns the TeleDB type a parameter declared with `oid` binds as. It is nil for an
    /// unspecified or unsupported OID, whose text value then takes its type from the context.
    static func dataType(for oid: Int32) -> DataType? {
        switch oid {
        case bool: return .boolean
        case int2: return .smallint
        case int4: return .integer
        case int8: return .bigint
        case float4: return .real
        case float8, numeric: return .double
        case text, varchar: return .varchar
        case date: return .date
        case timestamp, timestamptz: return .timestamp
        case interval: return .interval
        default: return nil
        }
    }
}
