// Binds whole queries: WITH, set operations, VALUES, ORDER BY on a set operation's output,
// and LIMIT/OFFSET. SELECT blocks themselves are bound in SelectBinder.swift.

import TeleCore
import TeleExecution
import TeleSyntax

/// A bound query: its plan and the name and type of each output column.
struct BoundQuery: Sendable {
    var plan: LogicalPlan
    var names: [String]
    var types: [DataType]
}

extension BindContext {
    func bindStatement(_ statement: SelectStatement) throws -> BoundQuery {
        for cte in statement.with { ctes[cte.name] = cte }

        var bound: BoundQuery
        if case .select(let core) = statement.body {
            bound = try bindSelect(core, orderBy: statement.orderBy)
        } else {
            bound = try bindBody(statement.body)
            if !statement.orderBy.isEmpty {
                bound.plan = .sort(bound.plan, keys: try bindOutputOrder(statement.orderBy, of: bound))
            }
        }

        let limit = try statement.limit.flatMap { try bindCount($0, clause: "LIMIT", state: "2201W") }
        let offset = try statement.offset.flatMap { try bindCount($0, clause: "OFFSET", state: "2201X") } ?? 0
        if limit != nil || offset > 0 {
            bound.plan = .limit(bound.plan, limit: limit, offset: offset)
        }
        return bound
    }

    func bindBody(_ body: QueryBody) throws -> BoundQuery {
        switch body {
        case .select(let core):
            return try bindSelect(core, orderBy: [])
        case .nested(let statement):
            return try bindStatement(statement)
        case .values(let rows):
            return try bindValues(rows)
        case .setOperation(let op, let all, let left, let right):
            return try session.descend(at: nil) { try bindSetOperation(op, all: all, left: left, right: right) }
        }
    }

    private func bindSetOperation(_ op: SetOperator, all: Bool, left: QueryBody, right: QueryBody) throws -> BoundQuery {
        var boundLeft = try bindBody(left)
        var boundRight = try bindBody(right)
        guard boundLeft.types.count == boundRight.types.count else {
            throw TeleError(
                .syntaxError, "each \(op.rawValue) query must have the same number of columns",
                hint: "The left query returns \(boundLeft.types.count) columns and the right one \(boundRight.types.count).")
        }
        let leftUntyped = untypedColumns(of: left, count: boundLeft.types.count)
        let rightUntyped = untypedColumns(of: right, count: boundRight.types.count)
        var types: [DataType] = []
        for column in 0..<boundLeft.types.count {
            types.append(
                try TypeCoercion.commonType(
                    [boundLeft.types[column], boundRight.types[column]],
                    untyped: [leftUntyped[column], rightUntyped[column]], context: op.rawValue, position: nil))
        }
        boundLeft = castColumns(boundLeft, to: types)
        boundRight = castColumns(boundRight, to: types)

        let plan: LogicalPlan
        switch (op, all) {
        case (.union, true): plan = .unionAll([boundLeft.plan, boundRight.plan])
        case (.union, false): plan = .setOperation(boundLeft.plan, boundRight.plan, kind: .union, all: false)
        case (.intersect, _): plan = .setOperation(boundLeft.plan, boundRight.plan, kind: .intersect, all: all)
        case (.except, _): plan = .setOperation(boundLeft.plan, boundRight.plan, kind: .except, all: all)
        }
        return BoundQuery(plan: plan, names: boundLeft.names, types: types)
    }

    /// Returns, for each output column of a set operation branch, whether it is an untyped literal.
    ///
    /// PostgreSQL gives a string literal or NULL in the select list of a plain SELECT branch
    /// the other branch's type, so `SELECT 1 UNION SELECT '2'` is INTEGER. Branches with a
    /// wildcard, DISTINCT, grouping, ORDER BY or LIMIT, and nested set operations, count as
    /// typed.
    private func untypedColumns(of body: QueryBody, count: Int) -> [Bool] {
        let typed = Array(repeating: false, count: count)
        // Parentheses alone, as in `SELECT 1 UNION (SELECT '2')`, leave the branch a plain SELECT.
        if case .nested(let statement) = body {
            guard statement.with.isEmpty, statement.orderBy.isEmpty, statement.limit == nil, statement.offset == nil,
                !statement.withError
            else { return typed }
            return untypedColumns(of: statement.body, count: count)
        }
        guard case .select(let core) = body, !core.distinct, core.groupBy == .none, core.having == nil,
            core.items.count == count
        else { return typed }
        return core.items.map { item in
            guard case .expression(let expression, _) = item else { return false }
            return TypeCoercion.isUntyped(expression, parameters: session.parameters)
        }
    }

    /// Adds a projection casting each column whose type differs from `types`.
    func castColumns(_ query: BoundQuery, to types: [DataType]) -> BoundQuery {
        if query.types == types { return query }
        let expressions = zip(query.types, types).enumerated().map { index, pair -> BoundExpression in
            let column = BoundExpression.column(index: index, type: pair.0)
            return pair.0 == pair.1 ? column : .cast(column, to: pair.1)
        }
        return BoundQuery(
            plan: .projection(query.plan, expressions: expressions, names: query.names), names: query.names, types: types)
    }

    private func bindValues(_ rows: [[Expression]]) throws -> BoundQuery {
        guard let width = rows.first?.count else {
            throw TeleError.syntax("VALUES needs at least one row", at: nil, hint: "Write VALUES (1, 'a').")
        }
        var bound: [[BoundExpression]] = []
        for row in rows {
            guard row.count == width else {
                throw TeleError.syntax(
                    "VALUES lists must all be the same length", at: row.first?.position,
                    hint: "The first row has \(width) values and this one \(row.count).")
            }
            bound.append(try row.map { try bind($0) })
        }
        var types: [DataType] = []
        for column in 0..<width {
            types.append(
                try TypeCoercion.commonType(
                    bound.map { $0[column].type },
                    untyped: rows.map { TypeCoercion.isUntyped($0[column], parameters: session.parameters) },
                    context: "VALUES", position: rows[0][column].position))
        }
        let converted = try bound.map { row in
            try zip(row, types).map { try TypeCoercion.coerce($0.0, to: $0.1, position: nil) }
        }
        let names = (0..<width).map { "column\($0 + 1)" }
        return BoundQuery(plan: .values(types: types, rows: converted), names: names, types: types)
    }

    /// ORDER BY over a set operation or VALUES: output names and ordinals only.
    private func bindOutputOrder(_ items: [OrderItem], of query: BoundQuery) throws -> [SortKey] {
        try items.map { item in
            let index: Int
            if let ordinal = try outputOrdinal(item.expression, count: query.types.count) {
                index = ordinal
            } else if case .column(let parts) = item.expression.kind, parts.count == 1,
                let position = query.names.firstIndex(of: parts[0])
            {
                index = position
            } else {
                throw TeleError(
                    .syntaxError, "ORDER BY on a UNION/INTERSECT/EXCEPT result must name a result column",
                    hint: "Use a column name or position of the result, or wrap the query in a subquery.",
                    position: item.expression.position)
            }
            let expression = BoundExpression.column(index: index, type: query.types[index])
            return SortKey(
                expression: expression, ascending: item.ascending, nullsFirst: item.nullsFirst ?? !item.ascending)
        }
    }

    /// Returns the 0-based position an `ORDER BY 2` or `GROUP BY 2` names, or nil for other
    /// expressions.
    ///
    /// - Throws: 42P10 when the number is out of range.
    func outputOrdinal(_ expression: Expression, count: Int, clause: String = "ORDER BY") throws -> Int? {
        guard case .literal(.integer(let number)) = expression.kind else { return nil }
        guard number >= 1, number <= count else {
            throw TeleError(
                .invalidColumnReference, "\(clause) position \(number) is not in select list",
                hint: "Use a position between 1 and \(count).", position: expression.position)
        }
        return Int(number) - 1
    }

    /// Evaluates a LIMIT or OFFSET expression; nil for LIMIT NULL or LIMIT ALL.
    private func bindCount(_ expression: Expression, clause: String, state: String) throws -> Int? {
        let constantContext = BindContext(session: session, outer: nil, ctes: ctes)
        constantContext.clause = clause
        let bound = try constantContext.bind(expression)
        let value = try withPosition(expression.position) {
            try ExpressionEvaluator.evaluateConstant(try TypeCoercion.coerce(bound, to: .bigint, position: expression.position))
        }
        switch value {
        case .null:
            return nil
        case .integer(let number):
            guard number >= 0 else {
                throw TeleError(
                    SQLState(state), "\(clause) must not be negative",
                    hint: "Use a \(clause) of 0 or more; \(number) was given.", position: expression.position)
            }
            return Int(number)
        default:
            throw TeleError(
                .datatypeMismatch, "argument of \(clause) must be type bigint, not type \(bound.type.sqlName.lowercased())",
                hint: "Use an integer \(clause).", position: expression.position)
        }
    }
}
