// Binds the FROM clause: tables, views, CTEs, subqueries with column aliases, and joins
// with ON, USING and NATURAL. Comma-separated items become cross joins; the optimizer turns
// a cross join with an equality filter into a hash join.

import TeleCore
import TeleExecution
import TeleStorage
import TeleSyntax

extension BindContext {
    /// Binds the FROM items into one plan and the scope of its output columns.
    func bindFrom(_ items: [TableReference]) throws -> (LogicalPlan, Scope) {
        guard var (plan, scope) = try items.first.map({ try bindTableReference($0) }) else {
            // No FROM: one row of no columns, so `SELECT 1` returns one row.
            return (.values(types: [], rows: [[]]), Scope())
        }
        for item in items.dropFirst() {
            if case .function = item {
                // A table function after other FROM items may read their columns (a lateral
                // call), so it runs once per row of everything to its left.
                (plan, scope) = try bindTableFunction(item, input: plan, inputScope: scope)
                continue
            }
            let (right, rightScope) = try bindTableReference(item)
            plan = .join(plan, right, type: .inner, condition: nil)
            scope.columns += rightScope.columns
        }
        return (plan, scope)
    }

    private func bindTableReference(_ reference: TableReference) throws -> (LogicalPlan, Scope) {
        switch reference {
        case .table(let name, let alias, let position):
            return try bindNamedTable(name, alias: alias, position: position)
        case .subquery(let statement, let alias, let columnAliases):
            let bound = try session.descend(at: nil) { try derived().bindStatement(statement) }
            return try derivedTable(bound, alias: alias, columnAliases: columnAliases, position: nil)
        case .function:
            return try bindTableFunction(reference, input: .values(types: [], rows: [[]]), inputScope: Scope())
        case .join(let kind, let left, let right, let condition):
            return try session.descend(at: nil) { try bindJoin(kind, left, right, condition) }
        case .sampled(let inner, let clause):
            return try bindSampled(inner, clause, bindInner: bindTableReference)
        }
    }

    private func bindNamedTable(_ name: String, alias: String?, position: SourcePosition) throws -> (LogicalPlan, Scope) {
        if let working = session.workingTables[name] {
            session.readWorkingTables.insert(name)
            let scan = ScanNode(tableName: name, table: working, columns: Array(working.schema.columns.indices))
            let columns = working.schema.columns.map { ScopeColumn(table: alias ?? name, name: $0.name, type: $0.type) }
            return (.scan(scan), Scope(columns: columns))
        }
        if let cte = ctes[name], let recursive = try bindRecursiveCTE(cte, alias: alias, position: position) {
            return recursive
        }
        if let cte = ctes[name] {
            let context = derived()
            // A CTE body may use the other CTEs but not itself.
            context.ctes[name] = nil
            let bound = try session.descend(at: position) { try context.bindStatement(cte.query) }
            return try derivedTable(bound, alias: alias ?? name, columnAliases: cte.columns, position: position)
        }
        if let table = session.snapshot.table(name) {
            // `FROM pg_catalog.pg_class` is referred to as `pg_class`, as in PostgreSQL.
            let qualifier = alias ?? String(name.split(separator: ".").last ?? Substring(name))
            let scan = ScanNode(tableName: name, table: table, columns: Array(table.schema.columns.indices))
            let columns = table.schema.columns.map { ScopeColumn(table: qualifier, name: $0.name, type: $0.type) }
            return (.scan(scan), Scope(columns: columns))
        }
        if let view = session.snapshot.view(name) {
            return try bindView(view, alias: alias, position: position)
        }
        let candidates = session.snapshot.tableNames + session.snapshot.viewNames + Array(ctes.keys)
        let hint = nearestName(to: name, among: candidates).map { "Perhaps you meant \"\($0)\"." }
            ?? "Create the table first, or check SHOW TABLES for the existing names."
        throw TeleError(.undefinedTable, "relation \"\(name)\" does not exist", hint: hint, position: position)
    }

    private func bindView(_ view: ViewDefinition, alias: String?, position: SourcePosition) throws -> (LogicalPlan, Scope) {
        guard !session.viewsInExpansion.contains(view.name) else {
            throw TeleError(
                SQLState("42P17"), "infinite recursion detected in view \"\(view.name)\"",
                hint: "Redefine the view so that it does not select from itself.", position: position)
        }
        let statements = try Parser.parse(view.sql)
        guard statements.count == 1, case .select(let query) = statements[0] else {
            throw TeleError.internalError("view \"\(view.name)\" does not hold one SELECT statement")
        }
        guard !query.withError else {
            throw TeleError(
                .featureNotSupported, "view \"\(view.name)\" ends in WITH ERROR, which applies to the outermost query only",
                hint: "Recreate the view without WITH ERROR and add it to the query that reads the view.", position: position)
        }
        session.viewsInExpansion.append(view.name)
        defer { session.viewsInExpansion.removeLast() }
        // A view resolves no CTEs or columns of the query that uses it.
        let context = BindContext(session: session, outer: nil, ctes: [:])
        let bound = try session.descend(at: position) { try context.bindStatement(query) }
        return try derivedTable(bound, alias: alias ?? view.name, columnAliases: view.columnNames, position: position)
    }

    /// Builds the scope of a subquery, CTE or view in FROM, renamed by its column aliases.
    private func derivedTable(_ bound: BoundQuery, alias: String?, columnAliases: [String], position: SourcePosition?)
        throws -> (LogicalPlan, Scope)
    {
        guard columnAliases.count <= bound.names.count else {
            throw TeleError(
                .invalidColumnReference,
                "table \"\(alias ?? "subquery")\" has \(bound.names.count) columns available but \(columnAliases.count) columns specified",
                hint: "Give at most \(bound.names.count) column aliases.", position: position)
        }
        var names = bound.names
        for (index, name) in columnAliases.enumerated() { names[index] = name }
        let columns = zip(names, bound.types).map { ScopeColumn(table: alias, name: $0.0, type: $0.1) }
        return (bound.plan, Scope(columns: columns))
    }

    private func bindJoin(_ kind: JoinKind, _ left: TableReference, _ right: TableReference, _ condition: JoinCondition)
        throws -> (LogicalPlan, Scope)
    {
        let (leftPlan, leftScope) = try bindTableReference(left)
        let (rightPlan, rightScope) = try bindTableReference(right)
        let type: JoinType
        switch kind {
        case .inner, .cross: type = .inner
        case .left: type = .left
        case .right: type = .right
        case .full: type = .full
        }
        var combined = Scope(columns: leftScope.columns + rightScope.columns)

        switch condition {
        case .none:
            return (.join(leftPlan, rightPlan, type: type, condition: nil), combined)
        case .on(let expression):
            let saved = scope
            scope = combined
            defer { scope = saved }
            let savedClause = clause
            clause = "JOIN conditions"
            defer { clause = savedClause }
            let bound = try bindCondition(expression, clause: "JOIN/ON")
            return (.join(leftPlan, rightPlan, type: type, condition: bound), combined)
        case .using(let names):
            return try bindUsing(names, type: type, leftPlan, rightPlan, leftScope, rightScope)
        case .natural:
            let leftNames = leftScope.columns.filter { !$0.hiddenUnqualified }.map(\.name)
            let common = rightScope.columns.filter { !$0.hiddenUnqualified && leftNames.contains($0.name) }.map(\.name)
            if common.isEmpty {
                combined.columns = leftScope.columns + rightScope.columns
                return (.join(leftPlan, rightPlan, type: type, condition: nil), combined)
            }
            return try bindUsing(common, type: type, leftPlan, rightPlan, leftScope, rightScope)
        }
    }

    /// `USING (k)`: joins on equal `k` and puts one merged `k` first, as PostgreSQL does;
    /// the merged column is the left value, the right one for RIGHT JOIN, and their
    /// COALESCE for FULL JOIN.
    private func bindUsing(
        _ names: [String], type: JoinType, _ leftPlan: LogicalPlan, _ rightPlan: LogicalPlan, _ leftScope: Scope,
        _ rightScope: Scope
    ) throws -> (LogicalPlan, Scope) {
        let leftCount = leftScope.columns.count
        var equalities: [BoundExpression] = []
        var merged: [BoundExpression] = []
        var mergedColumns: [ScopeColumn] = []
        var hiddenLeft = Set<Int>()
        var hiddenRight = Set<Int>()
        for name in names {
            guard let leftIndex = try leftScope.resolve(table: nil, name: name, position: nil),
                let rightIndex = try rightScope.resolve(table: nil, name: name, position: nil)
            else {
                throw TeleError(
                    .undefinedColumn, "column \"\(name)\" specified in USING clause does not exist in both tables",
                    hint: "Name a column that both sides of the join have.")
            }
            hiddenLeft.insert(leftIndex)
            hiddenRight.insert(rightIndex)
            let leftColumn = BoundExpression.column(index: leftIndex, type: leftScope.columns[leftIndex].type)
            let rightColumn = BoundExpression.column(
                index: leftCount + rightIndex, type: rightScope.columns[rightIndex].type)
            let equal = try applyFunction("=", [leftColumn, rightColumn], position: SourcePosition(offset: 0, line: 1, column: 1))
            equalities.append(equal)

            let commonType = try TypeCoercion.commonType(
                [leftColumn.type, rightColumn.type], untyped: [false, false], context: "JOIN/USING", position: nil)
            switch type {
            case .right: merged.append(try TypeCoercion.coerce(rightColumn, to: commonType, position: nil))
            case .full:
                merged.append(
                    .coalesce(
                        [
                            try TypeCoercion.coerce(leftColumn, to: commonType, position: nil),
                            try TypeCoercion.coerce(rightColumn, to: commonType, position: nil),
                        ], type: commonType))
            default: merged.append(try TypeCoercion.coerce(leftColumn, to: commonType, position: nil))
            }
            mergedColumns.append(ScopeColumn(table: nil, name: name, type: commonType))
        }

        let join = LogicalPlan.join(leftPlan, rightPlan, type: type, condition: ExpressionRewriting.conjunction(equalities))
        var columns = mergedColumns
        var expressions = merged
        for (index, column) in leftScope.columns.enumerated() {
            var copy = column
            if hiddenLeft.contains(index) { copy.hiddenUnqualified = true }
            columns.append(copy)
            expressions.append(.column(index: index, type: column.type))
        }
        for (index, column) in rightScope.columns.enumerated() {
            var copy = column
            if hiddenRight.contains(index) { copy.hiddenUnqualified = true }
            columns.append(copy)
            expressions.append(.column(index: leftCount + index, type: column.type))
        }
        let plan = LogicalPlan.projection(join, expressions: expressions, names: columns.map(\.name))
        return (plan, Scope(columns: columns))
    }
}
