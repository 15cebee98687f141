// Name resolution: the columns a FROM clause makes visible, with their table qualifiers,
// and the lookup rules for `name`, `table.name`, `*` and `table.*`.

import TeleCore

/// One column of a FROM clause's output, at the same position in the plan's output.
struct ScopeColumn: Sendable {
    /// The alias or table name that qualifies the column; nil for a USING-merged column.
    var table: String?
    var name: String
    var type: DataType
    /// Hidden from unqualified names and `*`: the inputs of a USING/NATURAL merged column.
    var hiddenUnqualified = false
}

struct Scope: Sendable {
    var columns: [ScopeColumn] = []

    var tableNames: [String] {
        var seen: [String] = []
        for column in columns {
            if let table = column.table, !seen.contains(table) { seen.append(table) }
        }
        return seen
    }

    /// Returns the position of a column, or nil when the scope has none of that name.
    ///
    /// - Throws: 42702 when several columns match.
    func resolve(table: String?, name: String, position: SourcePosition?) throws -> Int? {
        var matches: [Int] = []
        for (index, column) in columns.enumerated() where column.name == name {
            if let table {
                if column.table == table { matches.append(index) }
            } else if !column.hiddenUnqualified {
                matches.append(index)
            }
        }
        if matches.count > 1 {
            let shown = table.map { "\($0).\(name)" } ?? name
            throw TeleError(
                .ambiguousColumn, "column reference \"\(shown)\" is ambiguous",
                hint: "Qualify the column with a table name or alias, such as \"\(tableNames.first ?? "t").\(name)\".",
                position: position)
        }
        return matches.first
    }

    func hasTable(_ name: String) -> Bool { columns.contains { $0.table == name } }

    /// Returns the positions `*` or `table.*` expands to.
    func expandWildcard(table: String?) -> [Int] {
        columns.indices.filter { index in
            if let table { return columns[index].table == table }
            return !columns[index].hiddenUnqualified
        }
    }

    /// Returns the column name closest to `name`, for the hint of an unknown column.
    func nearestColumn(to name: String) -> String? {
        nearestName(to: name, among: columns.map(\.name))
    }
}
