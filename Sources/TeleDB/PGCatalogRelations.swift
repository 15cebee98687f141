// The relations the emulated catalog lists: every committed table and view in schema
// `public`, and the emulated catalog tables themselves in `pg_catalog` and
// `information_schema`, each with its OID and columns.

import TeleCore
import TelePlanner
import TeleStorage
import TeleSyntax

/// One relation as pg_class and pg_attribute list it.
struct CatalogRelation {
    var oid: Int64
    var name: String
    var namespace: Int64
    /// pg_class.relkind: `r` for a table, `v` for a view.
    var kind: String
    var columns: [ColumnSchema]
    var rowCount: Int
}

extension CatalogSnapshot {
    /// Every relation, user tables and views first, then the catalog's own tables. TeleDB's
    /// `teledb_` system tables are left out, as SHOW TABLES leaves them out.
    var relations: [CatalogRelation] {
        var relations: [CatalogRelation] = []
        for name in base.tableNames.sorted() where !isSystemTable(name) {
            guard let table = base.table(name) else { continue }
            relations.append(
                CatalogRelation(
                    oid: PGCatalogIDs.relationOID(named: name), name: name, namespace: PGCatalogIDs.publicNamespace,
                    kind: "r", columns: table.schema.columns, rowCount: table.rowCount))
        }
        for name in base.viewNames.sorted() {
            relations.append(
                CatalogRelation(
                    oid: PGCatalogIDs.relationOID(named: name), name: name, namespace: PGCatalogIDs.publicNamespace,
                    kind: "v", columns: viewColumns(name), rowCount: 0))
        }
        for (name, columns) in PGCatalogTables.columnsByTable.sorted(by: { $0.key < $1.key }) {
            relations.append(
                CatalogRelation(
                    oid: PGCatalogIDs.relationOID(named: "pg_catalog." + name), name: name,
                    namespace: PGCatalogIDs.pgCatalogNamespace, kind: "r",
                    columns: columns.map { ColumnSchema(name: $0.0, type: $0.1) }, rowCount: 0))
        }
        for (name, columns) in PGInformationSchema.columnsByTable.sorted(by: { $0.key < $1.key }) {
            relations.append(
                CatalogRelation(
                    oid: PGCatalogIDs.relationOID(named: "information_schema." + name), name: name,
                    namespace: PGCatalogIDs.informationSchemaNamespace, kind: "v",
                    columns: columns.map { ColumnSchema(name: $0.0, type: $0.1) }, rowCount: 0))
        }
        return relations
    }

    /// The OID and name of every relation, without the columns that `relations` plans views for.
    var relationIDs: [(oid: Int64, name: String)] {
        var ids = (base.tableNames.filter { !isSystemTable($0) } + base.viewNames).sorted().map {
            (PGCatalogIDs.relationOID(named: $0), $0)
        }
        ids += PGCatalogTables.columnsByTable.keys.sorted().map { (PGCatalogIDs.relationOID(named: "pg_catalog." + $0), $0) }
        ids += PGInformationSchema.columnsByTable.keys.sorted().map {
            (PGCatalogIDs.relationOID(named: "information_schema." + $0), $0)
        }
        return ids
    }

    var hiddenRelationIDs: [Int64] {
        PGInformationSchema.columnsByTable.keys.sorted().map { PGCatalogIDs.relationOID(named: "information_schema." + $0) }
    }

    /// The roles pg_roles lists: the session's user, with OID 10 because it owns every object,
    /// then every other user that CREATE USER made.
    var roles: [(oid: Int64, name: String)] {
        let users = (try? UserCatalog.entries(in: base).map(\.name)) ?? []
        var roles = [(PGCatalogIDs.superuser, userName)]
        for user in users where user != userName {
            roles.append((PGCatalogIDs.relationOID(named: "role " + user), user))
        }
        return roles
    }

    /// Returns the columns of a view by planning its query, or none when it no longer plans.
    private func viewColumns(_ name: String) -> [ColumnSchema] {
        guard let view = base.view(name), case .select(let query)? = try? Parser.parse(view.sql).first,
            let planned = try? Planner(snapshot: base).plan(query)
        else { return [] }
        return planned.columns.enumerated().map { index, column in
            ColumnSchema(name: index < view.columnNames.count ? view.columnNames[index] : column.name, type: column.type)
        }
    }
}
