// The shape of a materialized view that TeleDB can maintain incrementally and read
// matching queries from: `SELECT dimensions, aggregates FROM table [WHERE ...] GROUP BY dimensions`,
// where every dimension is a plain column and every aggregate is count, sum, min, max or
// HISTOGRAM over one plain column (or `count(*)`).
//
// Such a view is re-aggregatable: partial results for the same group merge with one
// function per aggregate (count and sum add, min and max keep the extreme, HISTOGRAM merges
// bucket counts). The facade uses `mergeSQL` to fold the aggregates of newly appended rows
// into the stored groups, and `rewrite(_:)` to answer a matching query from the view.

import TeleCore
import TeleSyntax

/// One aggregate column of a materialized view.
public struct MaterializedAggregate: Sendable, Equatable {
    /// The view's column name.
    public var column: String
    /// The aggregate function, lower-cased.
    public var function: String
    /// The base column it reads; nil for `count(*)`.
    public var argument: String?

    /// The function that merges two partial results of this aggregate.
    public var mergeFunction: String {
        switch function {
        case "count", "sum": return "sum"
        default: return function
        }
    }
}

/// One GROUP BY dimension of a materialized view.
public struct MaterializedDimension: Sendable, Equatable {
    /// The canonical text of the base-table expression, which query expressions must equal.
    public var key: String
    /// The base column when the dimension is a plain column.
    public var base: String?
    /// The view's column name.
    public var column: String
}

public struct MaterializedViewShape: Sendable {
    public var name: String
    public var baseTable: String
    /// The GROUP BY dimensions in select-list order.
    public var dimensions: [MaterializedDimension]
    public var aggregates: [MaterializedAggregate]
    /// Canonical texts of the conjuncts of the view's WHERE clause; empty without one.
    public var filterConjuncts: [String]
    /// False when the view's WHERE clause has a form that `ConjunctText` does not cover.
    /// Such a view is maintained but never read in place of its base table.
    public var filterIsComparable: Bool
    /// The view's column names in select-list order, which is the stored table's order.
    public var columnNames: [String]

    static let mergeableAggregates: Set<String> = ["count", "sum", "min", "max", "histogram"]

    /// Checks that a view query has the maintainable shape and records it.
    ///
    /// - Parameter outputNames: the column names the planner gives the query's result.
    /// - Throws: `TeleError` 0A000 naming the part of the query that cannot be maintained.
    public static func analyze(name: String, query: SelectStatement, outputNames: [String]) throws -> MaterializedViewShape {
        guard query.with.isEmpty, query.orderBy.isEmpty, query.limit == nil, query.offset == nil,
            case .select(let core) = query.body, !core.distinct, core.having == nil
        else {
            throw unsupported("only SELECT ... FROM table [WHERE ...] GROUP BY ... can be materialized")
        }
        guard core.from.count == 1, case .table(let baseTable, _, _) = core.from[0] else {
            throw unsupported("a materialized view must read exactly one table")
        }
        guard case .table(_, let alias, _) = core.from[0] else { preconditionFailure("checked above") }
        let qualifier = alias ?? baseTable
        let groupKeys = try groupByKeys(core, qualifier: qualifier)

        let conjuncts = core.whereClause.map(ConjunctText.conjuncts) ?? []
        let texts = conjuncts.compactMap { ConjunctText.canonical($0, qualifier: alias ?? baseTable) }
        var shape = MaterializedViewShape(
            name: name, baseTable: baseTable, dimensions: [], aggregates: [], filterConjuncts: texts,
            filterIsComparable: texts.count == conjuncts.count, columnNames: Array(outputNames.prefix(core.items.count)))
        for (index, item) in core.items.enumerated() {
            guard case .expression(let expression, _) = item, index < outputNames.count else {
                throw unsupported("a materialized view lists its columns; * is not supported")
            }
            let column = outputNames[index]
            if let key = ConjunctText.canonical(expression, qualifier: qualifier), groupKeys.contains(key) {
                var base: String?
                if case .column(let parts) = expression.kind { base = parts[parts.count - 1] }
                shape.dimensions.append(MaterializedDimension(key: key, base: base, column: column))
            } else if case .function(let call) = expression.kind {
                shape.aggregates.append(try aggregate(call, column: column))
            } else {
                throw unsupported("column \"\(column)\" of a materialized view is neither a GROUP BY column nor an aggregate")
            }
        }
        guard Set(shape.dimensions.map(\.key)) == Set(groupKeys) else {
            throw unsupported("every GROUP BY expression of a materialized view must be in its select list")
        }
        return shape
    }

    /// Returns the canonical texts of the GROUP BY expressions. A position (`GROUP BY 1`)
    /// means that select-list item.
    private static func groupByKeys(_ core: SelectCore, qualifier: String) throws -> [String] {
        guard case .expressions(let expressions) = core.groupBy else {
            if case .all = core.groupBy { throw unsupported("GROUP BY ALL is not supported in a materialized view") }
            return []
        }
        return try expressions.map { expression in
            var grouped = expression
            if case .literal(.integer(let position)) = expression.kind, position >= 1, position <= core.items.count,
                case .expression(let item, _) = core.items[Int(position) - 1]
            {
                grouped = item
            }
            guard let key = ConjunctText.canonical(grouped, qualifier: qualifier) else {
                throw unsupported(
                    "GROUP BY of a materialized view takes columns and scalar expressions over them",
                    hint: "Write each GROUP BY expression out, or give its position in the select list.")
            }
            return key
        }
    }

    private static func aggregate(_ call: FunctionCall, column: String) throws -> MaterializedAggregate {
        guard mergeableAggregates.contains(call.name), !call.distinct, call.filter == nil, call.withinGroup.isEmpty else {
            throw unsupported(
                "aggregate \(call.name) in column \"\(column)\" cannot be maintained incrementally",
                hint: "Use count, sum, min, max or HISTOGRAM; store sum and count instead of avg.")
        }
        if call.star || (call.name == "count" && call.arguments.isEmpty) {
            return MaterializedAggregate(column: column, function: "count", argument: nil)
        }
        guard call.arguments.count == 1, case .column(let parts) = call.arguments[0].kind else {
            throw unsupported("aggregate \(call.name) in column \"\(column)\" must take one plain column")
        }
        return MaterializedAggregate(column: column, function: call.name, argument: parts[parts.count - 1])
    }

    private static func unsupported(_ message: String, hint: String? = nil) -> TeleError {
        TeleError(
            .featureNotSupported, message,
            hint: hint ?? "Write the view as SELECT columns, count/sum/min/max/HISTOGRAM(column) FROM table GROUP BY columns.")
    }

    /// The query that folds partial rows of the view into one row per group, with the
    /// columns in the view's order.
    public var mergeSQL: String {
        let selectList = columnNames.map { column -> String in
            guard let aggregate = aggregates.first(where: { $0.column == column }) else { return quoted(column) }
            return "\(aggregate.mergeFunction)(\(quoted(column))) AS \(quoted(column))"
        }
        var sql = "SELECT " + selectList.joined(separator: ", ") + " FROM " + quoted(name)
        if !dimensions.isEmpty { sql += " GROUP BY " + dimensions.map { quoted($0.column) }.joined(separator: ", ") }
        return sql
    }

    func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
