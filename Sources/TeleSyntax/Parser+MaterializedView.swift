// CREATE, DROP and REFRESH of materialized views:
//
//     CREATE MATERIALIZED VIEW [IF NOT EXISTS] name AS query
//     DROP MATERIALIZED VIEW [IF EXISTS] name [, ...]
//     REFRESH MATERIALIZED VIEW name

import TeleCore

extension SyntaxParser {
    /// Parses the rest of `CREATE MATERIALIZED VIEW`, after MATERIALIZED.
    mutating func parseCreateMaterializedView() throws -> Statement {
        try expectWord("view")
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName(expected: "a view name")
        if current.isSymbol("(") {
            throw notSupported(
                "column names on a materialized view are not supported",
                hint: "Name the columns with AS in the select list.")
        }
        try expectWord("as")
        let query = try parseQueryRecordingText()
        return .createMaterializedView(name: name, ifNotExists: ifNotExists, query: query)
    }

    /// Parses the rest of `DROP MATERIALIZED VIEW`, after MATERIALIZED.
    mutating func parseDropMaterializedView() throws -> Statement {
        try expectWord("view")
        let ifExists = try parseIfExists()
        var names = [try parseQualifiedName(expected: "a view name")]
        while consumeSymbol(",") {
            names.append(try parseQualifiedName(expected: "a view name"))
        }
        return .dropMaterializedView(names: names, ifExists: ifExists)
    }

    mutating func parseRefreshMaterializedView() throws -> Statement {
        try expectWord("refresh")
        try expectWord("materialized")
        try expectWord("view")
        return .refreshMaterializedView(name: try parseQualifiedName(expected: "a view name"))
    }
}
