// The session state and the object identifiers the catalog emulation reads: the session's
// settings and user, the PostgreSQL type OIDs that clients hard-code, and the OIDs TeleDB
// gives its tables and namespaces.
//
// Table OIDs are derived from the table name by a 32-bit FNV-1a hash, so they are stable
// across processes and restarts, change when a table is renamed, and could collide for two
// names (about one chance in 2^31 per pair).

import TeleCore
import TeleStorage

/// A snapshot that also carries the session state that catalog functions such as
/// current_setting() and current_user read. The database facade plans against one.
public protocol CatalogEnvironment: Snapshot {
    /// Returns the session's value of a setting by lower-cased name, or nil when the session
    /// never set it.
    func setting(_ name: String) -> String?
    /// Stores a setting for set_config(). The session keeps it after the statement.
    func recordSetting(_ name: String, value: String)
    var userName: String { get }
    var databaseName: String { get }
    var backendPID: Int64 { get }
    /// Microseconds since 1970-01-01 UTC at which the process started serving.
    var startTime: Int64 { get }
    /// Every relation pg_class lists, with its OID, for `::regclass`.
    var relationIDs: [(oid: Int64, name: String)] { get }
    /// OIDs of the relations outside the search path (information_schema's), for which
    /// pg_table_is_visible() is false.
    var hiddenRelationIDs: [Int64] { get }
}

/// One row of the emulated pg_type.
public struct PGTypeInfo: Sendable {
    public var oid: Int64
    /// typname, such as `int4` or `_text`.
    public var name: String
    /// The name format_type() and `::regtype::text` print, such as `integer` or `text[]`.
    public var formatted: String
    /// typlen: the byte size, or -1 for variable-length types.
    public var length: Int64
    /// typcategory: B boolean, N numeric, S string, D date/time, T timespan, U user, A array.
    public var category: String
    /// typelem: the element type of an array type, else 0.
    public var element: Int64
    /// typarray: the array type of this type, else 0.
    public var array: Int64
}

/// PostgreSQL's built-in object identifiers that clients rely on.
public enum PGCatalogIDs {
    public static let pgCatalogNamespace: Int64 = 11
    public static let publicNamespace: Int64 = 2200
    public static let informationSchemaNamespace: Int64 = 13_183
    public static let superuser: Int64 = 10
    public static let database: Int64 = 16_384
    /// The "default" collation, which text types carry in typcollation.
    public static let defaultCollation: Int64 = 100
    public static let heapAccessMethod: Int64 = 2

    /// Namespaces by name, in the order pg_namespace lists them.
    public static let namespaces: [(oid: Int64, name: String)] = [
        (pgCatalogNamespace, "pg_catalog"), (publicNamespace, "public"),
        (informationSchemaNamespace, "information_schema"),
    ]

    /// The types pg_type lists: TeleDB's own types under PostgreSQL's names, and the
    /// catalog types that catalog queries name. OIDs are PostgreSQL 15's.
    public static let types: [PGTypeInfo] = [
        PGTypeInfo(oid: 16, name: "bool", formatted: "boolean", length: 1, category: "B", element: 0, array: 1000),
        PGTypeInfo(oid: 17, name: "bytea", formatted: "bytea", length: -1, category: "U", element: 0, array: 1001),
        PGTypeInfo(oid: 18, name: "char", formatted: "\"char\"", length: 1, category: "Z", element: 0, array: 1002),
        PGTypeInfo(oid: 19, name: "name", formatted: "name", length: 64, category: "S", element: 0, array: 1003),
        PGTypeInfo(oid: 20, name: "int8", formatted: "bigint", length: 8, category: "N", element: 0, array: 1016),
        PGTypeInfo(oid: 21, name: "int2", formatted: "smallint", length: 2, category: "N", element: 0, array: 1005),
        PGTypeInfo(oid: 22, name: "int2vector", formatted: "int2vector", length: -1, category: "A", element: 21, array: 1006),
        PGTypeInfo(oid: 23, name: "int4", formatted: "integer", length: 4, category: "N", element: 0, array: 1007),
        PGTypeInfo(oid: 24, name: "regproc", formatted: "regproc", length: 4, category: "N", element: 0, array: 1008),
        PGTypeInfo(oid: 25, name: "text", formatted: "text", length: -1, category: "S", element: 0, array: 1009),
        PGTypeInfo(oid: 26, name: "oid", formatted: "oid", length: 4, category: "N", element: 0, array: 1028),
        PGTypeInfo(oid: 30, name: "oidvector", formatted: "oidvector", length: -1, category: "A", element: 26, array: 1013),
        PGTypeInfo(oid: 114, name: "json", formatted: "json", length: -1, category: "U", element: 0, array: 199),
        PGTypeInfo(oid: 700, name: "float4", formatted: "real", length: 4, category: "N", element: 0, array: 1021),
        PGTypeInfo(oid: 701, name: "float8", formatted: "double precision", length: 8, category: "N", element: 0, array: 1022),
        PGTypeInfo(oid: 705, name: "unknown", formatted: "unknown", length: -2, category: "X", element: 0, array: 0),
        PGTypeInfo(oid: 1000, name: "_bool", formatted: "boolean[]", length: -1, category: "A", element: 16, array: 0),
        PGTypeInfo(oid: 1005, name: "_int2", formatted: "smallint[]", length: -1, category: "A", element: 21, array: 0),
        PGTypeInfo(oid: 1007, name: "_int4", formatted: "integer[]", length: -1, category: "A", element: 23, array: 0),
        PGTypeInfo(oid: 1009, name: "_text", formatted: "text[]", length: -1, category: "A", element: 25, array: 0),
        PGTypeInfo(oid: 1016, name: "_int8", formatted: "bigint[]", length: -1, category: "A", element: 20, array: 0),
        PGTypeInfo(oid: 1021, name: "_float4", formatted: "real[]", length: -1, category: "A", element: 700, array: 0),
        PGTypeInfo(oid: 1022, name: "_float8", formatted: "double precision[]", length: -1, category: "A", element: 701, array: 0),
        PGTypeInfo(oid: 1028, name: "_oid", formatted: "oid[]", length: -1, category: "A", element: 26, array: 0),
        PGTypeInfo(oid: 1043, name: "varchar", formatted: "character varying", length: -1, category: "S", element: 0, array: 1015),
        PGTypeInfo(oid: 1082, name: "date", formatted: "date", length: 4, category: "D", element: 0, array: 1182),
        PGTypeInfo(oid: 1114, name: "timestamp", formatted: "timestamp without time zone", length: 8, category: "D", element: 0, array: 1115),
        PGTypeInfo(oid: 1184, name: "timestamptz", formatted: "timestamp with time zone", length: 8, category: "D", element: 0, array: 1185),
        PGTypeInfo(oid: 1186, name: "interval", formatted: "interval", length: 16, category: "T", element: 0, array: 1187),
        PGTypeInfo(oid: 1700, name: "numeric", formatted: "numeric", length: -1, category: "N", element: 0, array: 1231),
        PGTypeInfo(oid: 2205, name: "regclass", formatted: "regclass", length: 4, category: "N", element: 0, array: 2210),
        PGTypeInfo(oid: 2206, name: "regtype", formatted: "regtype", length: 4, category: "N", element: 0, array: 2211),
        PGTypeInfo(oid: 2249, name: "record", formatted: "record", length: -1, category: "P", element: 0, array: 2287),
        PGTypeInfo(oid: 2278, name: "void", formatted: "void", length: 4, category: "P", element: 0, array: 0),
    ]

    /// Returns the PostgreSQL type OID of a TeleDB type, as RowDescription and pg_attribute
    /// report it. VARCHAR is text (25) because TeleDB strings have no length limit, and
    /// HISTOGRAM is json (114).
    public static func typeOID(of type: DataType) -> Int64 {
        switch type {
        case .boolean: return 16
        case .smallint: return 21
        case .integer: return 23
        case .bigint: return 20
        case .real: return 700
        case .double: return 701
        case .varchar, .null: return 25
        case .date: return 1082
        case .timestamp: return 1114
        case .interval: return 1186
        case .histogram: return 114
        }
    }

    /// Returns the OID of a table or view by name, as pg_class.oid reports it.
    public static func relationOID(named name: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        // Keep clear of PostgreSQL's reserved range (below 16384) and inside int4.
        return 16_384 + Int64(hash % UInt32(Int32.max - 16_384))
    }

    /// Returns the OID of a type's input or output function, such as `int4in` or `array_out`.
    /// TeleDB lists no functions in pg_proc, but pg_type.typinput and `'array_in'::regproc`
    /// must agree, because drivers such as pgjdbc compare them to find array types.
    public static func functionOID(named name: String) -> Int64 {
        relationOID(named: "function " + name)
    }

    /// Returns the names of a type's input and output functions, as PostgreSQL 15 names them.
    public static func ioFunctionNames(of type: PGTypeInfo) -> (input: String, output: String) {
        if type.category == "A" && type.element != 0 && type.name.hasPrefix("_") { return ("array_in", "array_out") }
        let underscored: Set<String> = ["date", "timestamp", "timestamptz", "interval", "json", "numeric", "record", "void"]
        if underscored.contains(type.name) { return (type.name + "_in", type.name + "_out") }
        return (type.name + "in", type.name + "out")
    }

    /// Every input and output function name with its OID, for `::regproc`.
    public static let ioFunctions: [(oid: Int64, name: String)] = {
        var names = Set<String>()
        for type in types {
            let functions = ioFunctionNames(of: type)
            names.insert(functions.input)
            names.insert(functions.output)
        }
        return names.sorted().map { (functionOID(named: $0), $0) }
    }()

    /// Returns the pg_type row with this OID, or nil when pg_type does not list it.
    public static func type(oid: Int64) -> PGTypeInfo? {
        types.first { $0.oid == oid }
    }

    /// Returns the pg_type row for a name as `::regtype` and to_regtype() accept it: typname,
    /// the formatted name, or a TeleDB type name.
    public static func type(named text: String) -> PGTypeInfo? {
        var name = text.lowercased()
        if name.hasPrefix("pg_catalog.") { name.removeFirst("pg_catalog.".count) }
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        if let found = types.first(where: { $0.name == name || $0.formatted == name }) { return found }
        if let type = DataType.named(name) { return PGCatalogIDs.type(oid: typeOID(of: type)) }
        return nil
    }
}
