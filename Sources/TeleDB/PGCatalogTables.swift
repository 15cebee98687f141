// The emulated `pg_catalog` tables: their columns as PostgreSQL 15 declares them, and their
// rows, built from the live catalog each time a query names them. Column types are mapped
// onto TeleDB's: oid to BIGINT, name and "char" to VARCHAR, arrays to array text (`{a,b}`).
// Tables for objects TeleDB does not have (indexes, constraints, policies, functions,
// publications) have their columns and no rows, so client queries over them bind and
// return nothing.

import TeleCore
import TelePlanner
import TeleStorage

enum PGCatalogTables {
    private static let oid = DataType.bigint
    private static let text = DataType.varchar
    private static let bool = DataType.boolean
    private static let int2 = DataType.smallint
    private static let int4 = DataType.integer
    private static let float4 = DataType.real
    private static let timestamp = DataType.timestamp

    /// Columns of every emulated pg_catalog table, by table name.
    static let columnsByTable: [String: [(String, DataType)]] = [
        "pg_namespace": [("oid", oid), ("nspname", text), ("nspowner", oid), ("nspacl", text)],
        "pg_class": [
            ("oid", oid), ("relname", text), ("relnamespace", oid), ("reltype", oid), ("reloftype", oid),
            ("relowner", oid), ("relam", oid), ("relfilenode", oid), ("reltablespace", oid), ("relpages", int4),
            ("reltuples", float4), ("relallvisible", int4), ("reltoastrelid", oid), ("relhasindex", bool),
            ("relisshared", bool), ("relpersistence", text), ("relkind", text), ("relnatts", int2), ("relchecks", int2),
            ("relhasrules", bool), ("relhastriggers", bool), ("relhassubclass", bool), ("relrowsecurity", bool),
            ("relforcerowsecurity", bool), ("relispopulated", bool), ("relreplident", text), ("relispartition", bool),
            ("relrewrite", oid), ("relfrozenxid", oid), ("relminmxid", oid), ("relacl", text), ("reloptions", text),
            ("relpartbound", text),
        ],
        "pg_attribute": [
            ("attrelid", oid), ("attname", text), ("atttypid", oid), ("attstattarget", int4), ("attlen", int2),
            ("attnum", int2), ("attndims", int4), ("attcacheoff", int4), ("atttypmod", int4), ("attbyval", bool),
            ("attalign", text), ("attstorage", text), ("attcompression", text), ("attnotnull", bool),
            ("atthasdef", bool), ("atthasmissing", bool), ("attidentity", text), ("attgenerated", text),
            ("attisdropped", bool), ("attislocal", bool), ("attinhcount", int4), ("attcollation", oid), ("attacl", text),
            ("attoptions", text), ("attfdwoptions", text), ("attmissingval", text),
        ],
        "pg_type": [
            ("oid", oid), ("typname", text), ("typnamespace", oid), ("typowner", oid), ("typlen", int2),
            ("typbyval", bool), ("typtype", text), ("typcategory", text), ("typispreferred", bool),
            ("typisdefined", bool), ("typdelim", text), ("typrelid", oid), ("typsubscript", oid), ("typelem", oid),
            ("typarray", oid), ("typinput", oid), ("typoutput", oid), ("typreceive", oid), ("typsend", oid),
            ("typmodin", oid), ("typmodout", oid), ("typanalyze", oid), ("typalign", text), ("typstorage", text),
            ("typnotnull", bool), ("typbasetype", oid), ("typtypmod", int4), ("typndims", int4), ("typcollation", oid),
            ("typdefaultbin", text), ("typdefault", text), ("typacl", text),
        ],
        "pg_database": [
            ("oid", oid), ("datname", text), ("datdba", oid), ("encoding", int4), ("datlocprovider", text),
            ("datistemplate", bool), ("datallowconn", bool), ("datconnlimit", int4), ("datfrozenxid", oid),
            ("datminmxid", oid), ("dattablespace", oid), ("datcollate", text), ("datctype", text),
            ("daticulocale", text), ("datcollversion", text), ("datacl", text),
        ],
        "pg_settings": [
            ("name", text), ("setting", text), ("unit", text), ("category", text), ("short_desc", text),
            ("extra_desc", text), ("context", text), ("vartype", text), ("source", text), ("min_val", text),
            ("max_val", text), ("enumvals", text), ("boot_val", text), ("reset_val", text), ("sourcefile", text),
            ("sourceline", int4), ("pending_restart", bool),
        ],
        "pg_roles": [
            ("rolname", text), ("rolsuper", bool), ("rolinherit", bool), ("rolcreaterole", bool), ("rolcreatedb", bool),
            ("rolcanlogin", bool), ("rolreplication", bool), ("rolconnlimit", int4), ("rolpassword", text),
            ("rolvaliduntil", timestamp), ("rolbypassrls", bool), ("rolconfig", text), ("oid", oid),
        ],
        "pg_user": [
            ("usename", text), ("usesysid", oid), ("usecreatedb", bool), ("usesuper", bool), ("userepl", bool),
            ("usebypassrls", bool), ("passwd", text), ("valuntil", timestamp), ("useconfig", text),
        ],
        "pg_index": [
            ("indexrelid", oid), ("indrelid", oid), ("indnatts", int2), ("indnkeyatts", int2), ("indisunique", bool),
            ("indnullsnotdistinct", bool), ("indisprimary", bool), ("indisexclusion", bool), ("indimmediate", bool),
            ("indisclustered", bool), ("indisvalid", bool), ("indcheckxmin", bool), ("indisready", bool),
            ("indislive", bool), ("indisreplident", bool), ("indkey", text), ("indcollation", text), ("indclass", text),
            ("indoption", text), ("indexprs", text), ("indpred", text),
        ],
        "pg_constraint": [
            ("oid", oid), ("conname", text), ("connamespace", oid), ("contype", text), ("condeferrable", bool),
            ("condeferred", bool), ("convalidated", bool), ("conrelid", oid), ("contypid", oid), ("conindid", oid),
            ("conparentid", oid), ("confrelid", oid), ("confupdtype", text), ("confdeltype", text),
            ("confmatchtype", text), ("conislocal", bool), ("coninhcount", int4), ("connoinherit", bool),
            ("conkey", text), ("confkey", text), ("conpfeqop", text), ("conppeqop", text), ("conffeqop", text),
            ("confdelsetcols", text), ("conexclop", text), ("conbin", text),
        ],
        "pg_description": [("objoid", oid), ("classoid", oid), ("objsubid", int4), ("description", text)],
        "pg_shdescription": [("objoid", oid), ("classoid", oid), ("description", text)],
        "pg_am": [("oid", oid), ("amname", text), ("amhandler", oid), ("amtype", text)],
        "pg_proc": [
            ("oid", oid), ("proname", text), ("pronamespace", oid), ("proowner", oid), ("prolang", oid),
            ("procost", float4), ("prorows", float4), ("provariadic", oid), ("prosupport", oid), ("prokind", text),
            ("prosecdef", bool), ("proleakproof", bool), ("proisstrict", bool), ("proretset", bool),
            ("provolatile", text), ("proparallel", text), ("pronargs", int2), ("pronargdefaults", int2),
            ("prorettype", oid), ("proargtypes", text), ("proallargtypes", text), ("proargmodes", text),
            ("proargnames", text), ("proargdefaults", text), ("protrftypes", text), ("prosrc", text), ("probin", text),
            ("prosqlbody", text), ("proconfig", text), ("proacl", text),
        ],
        "pg_inherits": [("inhrelid", oid), ("inhparent", oid), ("inhseqno", int4), ("inhdetachpending", bool)],
        "pg_attrdef": [("oid", oid), ("adrelid", oid), ("adnum", int2), ("adbin", text)],
        "pg_collation": [
            ("oid", oid), ("collname", text), ("collnamespace", oid), ("collowner", oid), ("collprovider", text),
            ("collisdeterministic", bool), ("collencoding", int4), ("collcollate", text), ("collctype", text),
            ("colliculocale", text), ("collversion", text),
        ],
        "pg_tablespace": [("oid", oid), ("spcname", text), ("spcowner", oid), ("spcacl", text), ("spcoptions", text)],
        "pg_stat_activity": [
            ("datid", oid), ("datname", text), ("pid", int4), ("leader_pid", int4), ("usesysid", oid),
            ("usename", text), ("application_name", text), ("client_addr", text), ("client_hostname", text),
            ("client_port", int4), ("backend_start", timestamp), ("xact_start", timestamp),
            ("query_start", timestamp), ("state_change", timestamp), ("wait_event_type", text), ("wait_event", text),
            ("state", text), ("backend_xid", oid), ("backend_xmin", oid), ("query_id", oid), ("query", text),
            ("backend_type", text),
        ],
        "pg_policy": [
            ("oid", oid), ("polname", text), ("polrelid", oid), ("polcmd", text), ("polpermissive", bool),
            ("polroles", text), ("polqual", text), ("polwithcheck", text),
        ],
        "pg_statistic_ext": [
            ("oid", oid), ("stxrelid", oid), ("stxname", text), ("stxnamespace", oid), ("stxowner", oid),
            ("stxstattarget", int4), ("stxkeys", text), ("stxkind", text), ("stxexprs", text),
        ],
        "pg_publication": [
            ("oid", oid), ("pubname", text), ("pubowner", oid), ("puballtables", bool), ("pubinsert", bool),
            ("pubupdate", bool), ("pubdelete", bool), ("pubtruncate", bool), ("pubviaroot", bool),
        ],
        "pg_publication_namespace": [("oid", oid), ("pnpubid", oid), ("pnnspid", oid)],
        "pg_publication_rel": [("oid", oid), ("prpubid", oid), ("prrelid", oid), ("prqual", text), ("prattrs", text)],
        "pg_range": [
            ("rngtypid", oid), ("rngsubtype", oid), ("rngmultitypid", oid), ("rngcollation", oid),
            ("rngsubopc", oid), ("rngcanonical", oid), ("rngsubdiff", oid),
        ],
        "pg_enum": [("oid", oid), ("enumtypid", oid), ("enumsortorder", float4), ("enumlabel", text)],
        "pg_extension": [
            ("oid", oid), ("extname", text), ("extowner", oid), ("extnamespace", oid), ("extrelocatable", bool),
            ("extversion", text), ("extconfig", text), ("extcondition", text),
        ],
        "pg_trigger": [
            ("oid", oid), ("tgrelid", oid), ("tgparentid", oid), ("tgname", text), ("tgfoid", oid), ("tgtype", int2),
            ("tgenabled", text), ("tgisinternal", bool), ("tgconstrrelid", oid), ("tgconstrindid", oid),
            ("tgconstraint", oid), ("tgdeferrable", bool), ("tginitdeferred", bool), ("tgnargs", int2),
            ("tgattr", text), ("tgargs", text), ("tgqual", text), ("tgoldtable", text), ("tgnewtable", text),
        ],
        "pg_rewrite": [
            ("oid", oid), ("rulename", text), ("ev_class", oid), ("ev_type", text), ("ev_enabled", text),
            ("is_instead", bool), ("ev_qual", text), ("ev_action", text),
        ],
        "pg_sequence": [
            ("seqrelid", oid), ("seqtypid", oid), ("seqstart", oid), ("seqincrement", oid), ("seqmax", oid),
            ("seqmin", oid), ("seqcache", oid), ("seqcycle", bool),
        ],
        "pg_opclass": [
            ("oid", oid), ("opcmethod", oid), ("opcname", text), ("opcnamespace", oid), ("opcowner", oid),
            ("opcfamily", oid), ("opcintype", oid), ("opcdefault", bool), ("opckeytype", oid),
        ],
        // Views over pg_class that tools such as DBeaver and pgAdmin list tables with.
        "pg_tables": [
            ("schemaname", text), ("tablename", text), ("tableowner", text), ("tablespace", text),
            ("hasindexes", bool), ("hasrules", bool), ("hastriggers", bool), ("rowsecurity", bool),
        ],
        "pg_views": [("schemaname", text), ("viewname", text), ("viewowner", text), ("definition", text)],
        "pg_auth_members": [("oid", oid), ("roleid", oid), ("member", oid), ("grantor", oid), ("admin_option", bool)],
        "pg_foreign_table": [("ftrelid", oid), ("ftserver", oid), ("ftoptions", text)],
        "pg_partitioned_table": [
            ("partrelid", oid), ("partstrat", text), ("partnatts", int2), ("partdefid", oid), ("partattrs", text),
            ("partclass", text), ("partcollation", text), ("partexprs", text),
        ],
    ]

    /// Builds a catalog table from the snapshot, or returns nil for a name it does not emulate.
    static func table(named name: String, in snapshot: CatalogSnapshot) -> TableData? {
        guard let columns = columnsByTable[name] else { return nil }
        var builder = CatalogTableBuilder(name: name, columns: columns)
        switch name {
        case "pg_namespace": appendNamespaces(to: &builder)
        case "pg_class": appendClasses(to: &builder, snapshot: snapshot)
        case "pg_attribute": appendAttributes(to: &builder, snapshot: snapshot)
        case "pg_type": appendTypes(to: &builder)
        case "pg_database": appendDatabase(to: &builder, snapshot: snapshot)
        case "pg_settings": appendSettings(to: &builder, snapshot: snapshot)
        case "pg_roles", "pg_user": appendUser(to: &builder, snapshot: snapshot)
        case "pg_am":
            builder.append([.integer(PGCatalogIDs.heapAccessMethod), .string("heap"), .integer(0), .string("t")])
            builder.append([.integer(403), .string("btree"), .integer(0), .string("i")])
        case "pg_collation": appendCollations(to: &builder)
        case "pg_tablespace":
            for (oid, name) in [(Int64(1663), "pg_default"), (1664, "pg_global")] {
                builder.append([.integer(oid), .string(name), .integer(PGCatalogIDs.superuser), .null, .null])
            }
        case "pg_stat_activity": appendActivity(to: &builder, snapshot: snapshot)
        case "pg_tables", "pg_views": appendRelationViews(to: &builder, snapshot: snapshot)
        default: break
        }
        return builder.finish()
    }

    /// Rows of pg_tables or pg_views: every table or view with its schema's name, owned by the
    /// superuser that every TeleDB login is.
    private static func appendRelationViews(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        let owner = Value.string(snapshot.userName)
        let schemas = Dictionary(PGCatalogIDs.namespaces.map { ($0.oid, $0.name) }, uniquingKeysWith: { first, _ in first })
        for relation in snapshot.relations {
            let schema = Value.string(schemas[relation.namespace] ?? "public")
            let name = String(relation.name.split(separator: ".").last ?? Substring(relation.name))
            if builder.name == "pg_tables", relation.kind == "r" {
                builder.append([
                    schema, .string(name), owner, .null, .boolean(false), .boolean(false), .boolean(false),
                    .boolean(false),
                ])
            } else if builder.name == "pg_views", relation.kind == "v" {
                let definition = snapshot.base.view(relation.name).map { Value.string($0.sql) } ?? .null
                builder.append([schema, .string(name), owner, definition])
            }
        }
    }

    private static func appendNamespaces(to builder: inout CatalogTableBuilder) {
        for namespace in PGCatalogIDs.namespaces {
            builder.append([.integer(namespace.oid), .string(namespace.name), .integer(PGCatalogIDs.superuser), .null])
        }
    }

    private static func appendClasses(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        for relation in snapshot.relations {
            let isTable = relation.kind == "r"
            builder.append([
                .integer(relation.oid), .string(relation.name), .integer(relation.namespace), .integer(0), .integer(0),
                .integer(PGCatalogIDs.superuser), .integer(isTable ? PGCatalogIDs.heapAccessMethod : 0),
                .integer(isTable ? relation.oid : 0), .integer(0), .integer(0), .double(Double(relation.rowCount)),
                .integer(0), .integer(0), .boolean(false), .boolean(false), .string("p"), .string(relation.kind),
                .integer(Int64(relation.columns.count)), .integer(0), .boolean(!isTable), .boolean(false),
                .boolean(false), .boolean(false), .boolean(false), .boolean(true), .string(isTable ? "d" : "n"),
                .boolean(false), .integer(0), .integer(0), .integer(0), .null, .null, .null,
            ])
        }
    }

    private static func appendAttributes(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        for relation in snapshot.relations {
            for (index, column) in relation.columns.enumerated() {
                let typeOID = PGCatalogIDs.typeOID(of: column.type)
                let type = PGCatalogIDs.type(oid: typeOID)
                let collation = type?.category == "S" ? PGCatalogIDs.defaultCollation : 0
                builder.append([
                    .integer(relation.oid), .string(column.name), .integer(typeOID), .integer(-1),
                    .integer(type?.length ?? -1), .integer(Int64(index + 1)), .integer(0), .integer(-1), .integer(-1),
                    .boolean((type?.length ?? -1) > 0), .string("i"), .string("p"), .string(""),
                    .boolean(column.notNull), .boolean(false), .boolean(false), .string(""), .string(""),
                    .boolean(false), .boolean(true), .integer(0), .integer(collation), .null, .null, .null, .null,
                ])
            }
        }
    }

    private static func appendTypes(to builder: inout CatalogTableBuilder) {
        for type in PGCatalogIDs.types {
            let collation = type.category == "S" ? PGCatalogIDs.defaultCollation : 0
            let typtype = type.category == "P" ? "p" : "b"
            let functions = PGCatalogIDs.ioFunctionNames(of: type)
            let input = Value.integer(PGCatalogIDs.functionOID(named: functions.input))
            let output = Value.integer(PGCatalogIDs.functionOID(named: functions.output))
            builder.append([
                .integer(type.oid), .string(type.name), .integer(PGCatalogIDs.pgCatalogNamespace),
                .integer(PGCatalogIDs.superuser), .integer(type.length), .boolean(type.length > 0 && type.length <= 8),
                .string(typtype), .string(type.category), .boolean(false), .boolean(true), .string(","), .integer(0),
                .integer(0), .integer(type.element), .integer(type.array), input, output, .integer(0),
                .integer(0), .integer(0), .integer(0), .integer(0), .string(type.length == 8 ? "d" : "i"),
                .string(type.length > 0 ? "p" : "x"), .boolean(false), .integer(0), .integer(-1), .integer(0),
                .integer(collation), .null, .null, .null,
            ])
        }
    }

    private static func appendDatabase(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        builder.append([
            .integer(PGCatalogIDs.database), .string(snapshot.databaseName), .integer(PGCatalogIDs.superuser),
            .integer(6), .string("c"), .boolean(false), .boolean(true), .integer(-1), .integer(0), .integer(0),
            .integer(1663), .string("C"), .string("C"), .null, .null, .null,
        ])
    }

    private static func appendSettings(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        var names = Set(CatalogSettings.defaults.keys)
        names.formUnion(snapshot.settings.keys)
        for name in names.sorted() {
            let value = CatalogSettings.value(of: name, in: snapshot) ?? ""
            let source = snapshot.settings[name] == nil ? "default" : "session"
            builder.append([
                .string(name), .string(value), .null, .string("Ungrouped"), .string(""), .null, .string("user"),
                .string("string"), .string(source), .null, .null, .null, .string(CatalogSettings.defaults[name] ?? ""),
                .string(CatalogSettings.defaults[name] ?? value), .null, .null, .boolean(false),
            ])
        }
    }

    /// Appends every role. TeleDB has no privileges, so every user can do what a superuser can.
    private static func appendUser(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        for role in snapshot.roles {
            let user = Value.string(role.name)
            let oid = Value.integer(role.oid)
            if builder.name == "pg_roles" {
                builder.append([
                    user, .boolean(true), .boolean(true), .boolean(true), .boolean(true), .boolean(true), .boolean(false),
                    .integer(-1), .string("********"), .null, .boolean(true), .null, oid,
                ])
            } else {
                builder.append([
                    user, oid, .boolean(true), .boolean(true), .boolean(false), .boolean(true), .string("********"),
                    .null, .null,
                ])
            }
        }
    }

    private static func appendCollations(to builder: inout CatalogTableBuilder) {
        let collations: [(Int64, String, String, Int64)] = [(100, "default", "d", -1), (950, "C", "c", -1), (951, "POSIX", "c", -1)]
        for (oid, name, provider, encoding) in collations {
            let locale: Value = provider == "d" ? .null : .string(name)
            builder.append([
                .integer(oid), .string(name), .integer(PGCatalogIDs.pgCatalogNamespace), .integer(PGCatalogIDs.superuser),
                .string(provider), .boolean(true), .integer(encoding), locale, locale, .null, .null,
            ])
        }
    }

    private static func appendActivity(to builder: inout CatalogTableBuilder, snapshot: CatalogSnapshot) {
        let application = CatalogSettings.value(of: "application_name", in: snapshot) ?? ""
        builder.append([
            .integer(PGCatalogIDs.database), .string(snapshot.databaseName), .integer(snapshot.backendPID), .null,
            .integer(PGCatalogIDs.superuser), .string(snapshot.userName), .string(application), .null, .null, .null,
            .timestamp(snapshot.startTime), .null, .null, .null, .null, .null, .string("active"), .null, .null, .null,
            .null, .string("client backend"),
        ])
    }
}
