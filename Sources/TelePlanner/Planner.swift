// The planner's public entry points: binding, optimizing and building the physical plan of
// a query, EXPLAIN, and expression binding for INSERT, UPDATE and DELETE.

import TeleCore
import TeleExecution
import TeleStorage
import TeleSyntax

public struct OutputColumn: Sendable, Hashable {
    public var name: String
    public var type: DataType

    public init(name: String, type: DataType) {
        self.name = name
        self.type = type
    }
}

/// A query ready to run: the root operator and the name and type of each result column.
public struct PlannedQuery {
    public var root: any PhysicalOperator
    public var columns: [OutputColumn]

    public init(root: any PhysicalOperator, columns: [OutputColumn]) {
        self.root = root
        self.columns = columns
    }
}

/// Plans queries against one snapshot. One planner may plan many statements.
public final class Planner {
    /// System tables no query may read. `teledb_users` contains the SCRAM verifiers, which an
    /// attacker could crack offline, so the facade reads it through storage, not through SQL.
    public static let secretTables: Set<String> = ["teledb_users"]

    public let snapshot: any Snapshot

    public init(snapshot: any Snapshot) {
        self.snapshot = snapshot
    }

    /// Binds, optimizes and builds the physical plan of a query. `parameters` fill $1, $2...
    public func plan(_ query: SelectStatement, parameters: [Value] = []) throws -> PlannedQuery {
        let bound = try bind(query, parameters: parameters)
        let (root, _) = try PhysicalPlanner.build(Optimizer.optimize(bound.plan))
        let columns = zip(bound.names, bound.types).map { OutputColumn(name: $0.0, type: $0.1) }
        return PlannedQuery(root: root, columns: columns)
    }

    /// Returns the optimized plan of a query as an indented tree, one operator a line, with
    /// the pushed filters, zone-map predicates, join keys and estimated rows shown.
    public func explain(_ query: SelectStatement) throws -> String {
        try explain(query, parameters: [])
    }

    public func explain(_ query: SelectStatement, parameters: [Value]) throws -> String {
        let bound = try bind(query, parameters: parameters)
        return try PlanBuilder.explain(bound.plan)
    }

    /// Binds an expression over the columns of one table (nil: no columns), for INSERT
    /// VALUES rows, UPDATE SET and DELETE/UPDATE WHERE. Subqueries are allowed.
    ///
    /// Columns are qualified by `alias`, or by the table name when it is nil. Column
    /// positions are the table's column positions. `parameters` fill $1, $2... as in `plan`.
    public func bindExpression(
        _ expression: Expression, over table: TableSchema?, alias: String?, parameters: [Value] = []
    ) throws -> BoundExpression {
        let session = BindSession(snapshot: snapshot, parameters: parameters)
        let context = BindContext(session: session, outer: nil, ctes: [:])
        context.clause = "INSERT, UPDATE or DELETE statements"
        if let table {
            let qualifier = alias ?? table.name
            context.scope = Scope(columns: table.columns.map { ScopeColumn(table: qualifier, name: $0.name, type: $0.type) })
        }
        return ConstantFolding.fold(try context.bind(expression))
    }

    /// Converts an expression for storing into a column of `type` with PostgreSQL's
    /// assignment rules; 42804 naming the column and both types when not allowed.
    public func assignmentCast(_ expression: BoundExpression, to type: DataType, column: String) throws
        -> BoundExpression
    {
        if expression.type == type { return expression }
        // A string constant is a literal whose type comes from the column, as in PostgreSQL.
        let isStringConstant: Bool
        if case .constant(.string, _) = expression { isStringConstant = true } else { isStringConstant = false }
        guard isStringConstant || TypeCoercion.isAssignable(from: expression.type, to: type) else {
            throw TeleError(
                .datatypeMismatch,
                "column \"\(column)\" is of type \(type.sqlName.lowercased()) but expression is of type \(expression.type.sqlName.lowercased())",
                hint: "Rewrite the expression or cast it to \(type.sqlName.lowercased()).")
        }
        return try TypeCoercion.coerce(expression, to: type, position: nil)
    }

    private func bind(_ query: SelectStatement, parameters: [Value]) throws -> BoundQuery {
        let session = BindSession(snapshot: snapshot, parameters: parameters)
        let context = BindContext(session: session, outer: nil, ctes: [:])
        var bound = try context.bindStatement(try WithErrorRewrite.apply(query))
        if bound.types.contains(.null) {
            // PostgreSQL reports a column of untyped NULLs as text.
            let expressions = bound.types.enumerated().map { index, type -> BoundExpression in
                type == .null ? .constant(.null, type: .varchar) : .column(index: index, type: type)
            }
            bound.plan = .projection(bound.plan, expressions: expressions, names: bound.names)
            bound.types = expressions.map(\.type)
        }
        return bound
    }
}

/// Optimizes and builds logical plans; used for the top-level query and for every run of a
/// subquery.
enum PlanBuilder {
    /// Builds a subquery's operators with its outer-reference slots set to `outerValues`.
    static func instantiate(_ plan: LogicalPlan, outerValues: [Value]) throws -> any PhysicalOperator {
        let bound = outerValues.isEmpty
            ? plan : plan.mapExpressions { ExpressionRewriting.bindOuterValues($0, outerValues) }
        return try PhysicalPlanner.build(Optimizer.optimize(bound)).operator
    }

    static func explain(_ plan: LogicalPlan) throws -> String {
        try PhysicalPlanner.build(Optimizer.optimize(plan)).explain.render()
    }
}
