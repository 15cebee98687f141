// The result shape of a statement without running it, for the wire protocol's Describe
// message: clients ask for the columns of a prepared statement before they bind values.

import TeleCore
import TelePlanner
import TeleSyntax

extension Session {
    /// Plans `statement` and returns the columns it would return; empty for statements that
    /// return no rows.
    ///
    /// Nothing runs, so a query's scans read no data.
    ///
    /// - Parameter parameters: Values for `$1`, `$2`, ...; NULL placeholders work when the
    ///   values are not known yet, because NULL takes its type from the context.
    /// - Throws: The planner's `TeleError` for unknown tables, columns or functions.
    public func resultColumns(of statement: Statement, parameters: [Value]) throws -> [ResultColumn] {
        switch statement {
        case .select(let query):
            let planned = try Planner(snapshot: readSnapshot).plan(query, parameters: parameters)
            return planned.columns.map { ResultColumn(name: $0.name, type: $0.type) }
        case .explain:
            return [ResultColumn(name: "QUERY PLAN", type: .varchar)]
        case .showTables:
            return [ResultColumn(name: "name", type: .varchar)]
        case .show(let name):
            return [ResultColumn(name: name.lowercased(), type: .varchar)]
        case .describe, .describeQuery:
            return ["column_name", "column_type", "null"].map { ResultColumn(name: $0, type: .varchar) }
        default:
            return []
        }
    }

    /// Whether `statement` returns rows (a query, EXPLAIN, SHOW or DESCRIBE).
    public static func returnsRows(_ statement: Statement) -> Bool {
        switch statement {
        case .select, .explain, .showTables, .show, .describe, .describeQuery: return true
        default: return false
        }
    }
}
