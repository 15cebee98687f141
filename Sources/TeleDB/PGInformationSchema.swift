// The emulated `information_schema` views `tables`, `columns` and `schemata`, built from
// the same relation list as pg_class, with SQL-standard type names in `data_type`.

import TeleCore
import TelePlanner
import TeleStorage

enum PGInformationSchema {
    private static let text = DataType.varchar
    private static let int4 = DataType.integer

    /// Columns of every emulated information_schema view, by view name.
    static let columnsByTable: [String: [(String, DataType)]] = [
        "tables": [
            ("table_catalog", text), ("table_schema", text), ("table_name", text), ("table_type", text),
            ("self_referencing_column_name", text), ("reference_generation", text), ("user_defined_type_catalog", text),
            ("user_defined_type_schema", text), ("user_defined_type_name", text), ("is_insertable_into", text),
            ("is_typed", text), ("commit_action", text),
        ],
        "columns": [
            ("table_catalog", text), ("table_schema", text), ("table_name", text), ("column_name", text),
            ("ordinal_position", int4), ("column_default", text), ("is_nullable", text), ("data_type", text),
            ("character_maximum_length", int4), ("numeric_precision", int4), ("numeric_scale", int4),
            ("datetime_precision", int4), ("udt_catalog", text), ("udt_schema", text), ("udt_name", text),
            ("is_identity", text), ("is_generated", text), ("is_updatable", text),
        ],
        "schemata": [
            ("catalog_name", text), ("schema_name", text), ("schema_owner", text),
            ("default_character_set_catalog", text), ("default_character_set_schema", text),
            ("default_character_set_name", text), ("sql_path", text),
        ],
    ]

    static func table(named name: String, in snapshot: CatalogSnapshot) -> TableData? {
        guard let columns = columnsByTable[name] else { return nil }
        var builder = CatalogTableBuilder(name: name, columns: columns)
        let database = Value.string(snapshot.databaseName)
        switch name {
        case "tables":
            for relation in snapshot.relations {
                let isTable = relation.kind == "r" && relation.namespace == PGCatalogIDs.publicNamespace
                builder.append([
                    database, .string(schemaName(relation.namespace)), .string(relation.name),
                    .string(relation.kind == "r" ? "BASE TABLE" : "VIEW"), .null, .null, .null, .null, .null,
                    .string(isTable ? "YES" : "NO"), .string("NO"), .null,
                ])
            }
        case "columns":
            for relation in snapshot.relations {
                for (index, column) in relation.columns.enumerated() {
                    let type = PGCatalogIDs.type(oid: PGCatalogIDs.typeOID(of: column.type))
                    builder.append([
                        database, .string(schemaName(relation.namespace)), .string(relation.name), .string(column.name),
                        .integer(Int64(index + 1)), .null, .string(column.notNull ? "NO" : "YES"),
                        .string(type?.formatted ?? "text"), .null, numericPrecision(column.type), .null, .null, database,
                        .string("pg_catalog"), .string(type?.name ?? "text"), .string("NO"), .string("NEVER"),
                        .string(relation.kind == "r" ? "YES" : "NO"),
                    ])
                }
            }
        case "schemata":
            for namespace in PGCatalogIDs.namespaces {
                builder.append([
                    database, .string(namespace.name), .string(snapshot.userName), .null, .null, .null, .null,
                ])
            }
        default:
            break
        }
        return builder.finish()
    }

    private static func schemaName(_ namespace: Int64) -> String {
        PGCatalogIDs.namespaces.first { $0.oid == namespace }?.name ?? "public"
    }

    /// numeric_precision in bits, as PostgreSQL reports it for binary integer and float types.
    private static func numericPrecision(_ type: DataType) -> Value {
        switch type {
        case .smallint: return .integer(16)
        case .integer: return .integer(32)
        case .bigint: return .integer(64)
        case .real: return .integer(24)
        case .double: return .integer(53)
        default: return .null
        }
    }
}
