// Binds one SELECT block: FROM, WHERE (see WhereBinder.swift), GROUP BY in all its forms,
// aggregates, HAVING, the select list, DISTINCT and ORDER BY with hidden sort columns.
//
// Aggregates are bound as marker columns (see `AggregateCollector`). Once the GROUP BY keys
// are known, `ungroup` rewrites every expression above the aggregation to read the keys and
// aggregate results, and reports a column that is neither (42803).

import TeleCore
import TeleExecution
import TeleSyntax

/// One select-list entry after `*` expansion.
struct SelectEntry {
    var source: Expression?
    var bound: BoundExpression
    var name: String
}

extension BindContext {
    func bindSelect(_ core: SelectCore, orderBy: [OrderItem]) throws -> BoundQuery {
        let (fromPlan, fromScope) = try bindFrom(core.from)
        scope = fromScope
        var plan = fromPlan
        if let whereClause = core.whereClause {
            plan = try bindWhere(whereClause, over: plan)
        }

        let collector = AggregateCollector()
        var keys = try bindGroupKeys(core)

        aggregates = collector
        defer { aggregates = nil }
        clause = "SELECT"
        var entries = try bindSelectList(core.items)
        if case .all = core.groupBy {
            keys = entries.map(\.bound).filter { !Self.containsAggregate($0) }
        }

        clause = "HAVING"
        let having = try core.having.map { try bindCondition($0, clause: "HAVING") }

        clause = "ORDER BY"
        let ordering = try bindOrdering(orderBy, entries: entries, distinct: core.distinct)
        let hidden = ordering.hidden
        // Hidden sort columns are named after their expression, for EXPLAIN.
        let scopeNames = scope.columns.map(\.name)
        let hiddenNames = hidden.map { ExpressionPrinter.text($0, names: scopeNames) }

        let isAggregated: Bool
        if case .none = core.groupBy {
            isAggregated = !collector.aggregates.isEmpty || having != nil
        } else {
            isAggregated = true
        }

        if !isAggregated {
            // Scalar aggregate subqueries in the select list become grouped left joins.
            for index in entries.indices {
                guard let source = entries[index].source, case .scalarSubquery(let query) = source.kind,
                    let decorrelated = try decorrelateScalarSubquery(query, position: source.position, outerPlan: plan)
                else { continue }
                plan = decorrelated.plan
                entries[index].bound = decorrelated.value
            }
        }

        var outputs = entries.map(\.bound) + hidden
        let sortKeys = ordering.keys
        if isAggregated {
            plan = .aggregate(plan, keys: keys, aggregates: collector.aggregates)
            let keyPositions = Dictionary(
                keys.enumerated().map { (ExpressionPrinter.key($0.element), $0.offset) }, uniquingKeysWith: { first, _ in first })
            outputs = try outputs.map { try ungroup($0, keyPositions: keyPositions, keyCount: keys.count) }
            if let having {
                plan = .filter(plan, predicate: try ungroup(having, keyPositions: keyPositions, keyCount: keys.count))
            }
            for index in entries.indices { entries[index].bound = outputs[index] }
        }

        // Sort keys refer to the projection's output: the select list, then hidden columns.
        let names = entries.map(\.name) + hiddenNames
        plan = .projection(plan, expressions: outputs, names: names)
        if core.distinct { plan = .distinct(plan) }
        if !sortKeys.isEmpty { plan = .sort(plan, keys: sortKeys) }
        if !hidden.isEmpty {
            let visible = entries.indices.map { BoundExpression.column(index: $0, type: outputs[$0].type) }
            plan = .projection(plan, expressions: visible, names: entries.map(\.name))
        }
        return BoundQuery(plan: plan, names: entries.map(\.name), types: entries.map { $0.bound.type })
    }

    // MARK: GROUP BY

    /// Binds GROUP BY expressions. An integer names a select item. A name that is not an
    /// input column may name a select-list alias, because PostgreSQL prefers input columns.
    private func bindGroupKeys(_ core: SelectCore) throws -> [BoundExpression] {
        guard case .expressions(let expressions) = core.groupBy else { return [] }
        clause = "GROUP BY"
        var keys: [BoundExpression] = []
        for expression in expressions {
            let source = try groupKeySource(expression, items: core.items)
            let key = try bind(source)
            if !keys.contains(where: { ExpressionPrinter.key($0) == ExpressionPrinter.key(key) }) { keys.append(key) }
        }
        return keys
    }

    private func groupKeySource(_ expression: Expression, items: [SelectItem]) throws -> Expression {
        let expressionItems: [(Expression, String?)] = items.compactMap {
            if case .expression(let expression, let alias) = $0 { return (expression, alias) }
            return nil
        }
        if let ordinal = try outputOrdinal(expression, count: items.count, clause: "GROUP BY") {
            guard case .expression(let item, _) = items[ordinal] else {
                throw TeleError(
                    .featureNotSupported, "GROUP BY position \(ordinal + 1) refers to a \"*\"",
                    hint: "Name the columns to group by.", position: expression.position)
            }
            return item
        }
        if case .column(let parts) = expression.kind, parts.count == 1,
            try scope.resolve(table: nil, name: parts[0], position: expression.position) == nil,
            let aliased = expressionItems.first(where: { $0.1 == parts[0] })
        {
            return aliased.0
        }
        return expression
    }

    // MARK: Select list

    private func bindSelectList(_ items: [SelectItem]) throws -> [SelectEntry] {
        var entries: [SelectEntry] = []
        for item in items {
            switch item {
            case .wildcard(let table, let position):
                if let table, !scope.hasTable(table) {
                    throw TeleError(
                        .undefinedTable, "missing FROM-clause entry for table \"\(table)\"",
                        hint: "Use one of: \(scope.tableNames.joined(separator: ", ")).", position: position)
                }
                if scope.columns.isEmpty {
                    throw TeleError.syntax(
                        "SELECT * with no tables specified is not valid", at: position, hint: "Name a table in FROM.")
                }
                for index in scope.expandWildcard(table: table) {
                    let column = scope.columns[index]
                    entries.append(
                        SelectEntry(source: nil, bound: .column(index: index, type: column.type), name: column.name))
                }
            case .expression(let expression, let alias):
                let bound = try bind(expression)
                entries.append(SelectEntry(source: expression, bound: bound, name: alias ?? Self.derivedName(expression)))
            }
        }
        return entries
    }

    /// Returns the column name PostgreSQL gives an unaliased select item.
    static func derivedName(_ expression: Expression) -> String {
        switch expression.kind {
        case .column(let parts): return parts[parts.count - 1]
        case .function(let call): return call.name
        case .cast(let operand, let type):
            let inner = derivedName(operand)
            return inner == "?column?" ? type.name : inner
        case .extract: return "date_part"
        case .caseWhen: return "case"
        case .exists: return "exists"
        case .scalarSubquery(let query):
            if case .select(let core) = query.body, core.items.count == 1, case .expression(let item, let alias) = core.items[0] {
                return alias ?? derivedName(item)
            }
            return "?column?"
        case .literal(.typed(let type, _)): return type.name
        default: return "?column?"
        }
    }

    // MARK: ORDER BY

    /// Binds ORDER BY items to positions in the select list, appending hidden columns for
    /// expressions that are not in it.
    private func bindOrdering(_ items: [OrderItem], entries: [SelectEntry], distinct: Bool) throws
        -> (keys: [SortKey], hidden: [BoundExpression])
    {
        var keys: [SortKey] = []
        var hidden: [BoundExpression] = []
        let entryKeys = entries.map { ExpressionPrinter.key($0.bound) }
        for item in items {
            var position: Int?
            if let ordinal = try outputOrdinal(item.expression, count: entries.count) {
                position = ordinal
            } else if case .column(let parts) = item.expression.kind, parts.count == 1,
                let named = entries.firstIndex(where: { $0.name == parts[0] && $0.source != nil })
            {
                position = named
            } else {
                let bound = try bind(item.expression)
                let key = ExpressionPrinter.key(bound)
                if let match = entryKeys.firstIndex(of: key) {
                    position = match
                } else if let match = hidden.firstIndex(where: { ExpressionPrinter.key($0) == key }) {
                    position = entries.count + match
                } else {
                    if distinct {
                        throw TeleError(
                            .invalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                            hint: "Add the expression to the select list or remove DISTINCT.",
                            position: item.expression.position)
                    }
                    hidden.append(bound)
                    position = entries.count + hidden.count - 1
                }
            }
            guard let position else { continue }
            let type = position < entries.count ? entries[position].bound.type : hidden[position - entries.count].type
            keys.append(
                SortKey(
                    expression: .column(index: position, type: type), ascending: item.ascending,
                    nullsFirst: item.nullsFirst ?? !item.ascending))
        }
        return (keys, hidden)
    }

    // MARK: Aggregation

    static func containsAggregate(_ expression: BoundExpression) -> Bool {
        ExpressionRewriting.columnsUsed(expression).contains { $0 >= AggregateCollector.markerBase }
    }

    /// Rewrites an expression bound over the aggregation's input to read its output: group
    /// keys become key columns and aggregate markers become aggregate columns.
    ///
    /// - Throws: 42803 for a column that is neither grouped nor inside an aggregate.
    private func ungroup(_ expression: BoundExpression, keyPositions: [String: Int], keyCount: Int) throws
        -> BoundExpression
    {
        try ExpressionRewriting.transformTopDown(expression) { node in
            if let position = keyPositions[ExpressionPrinter.key(node)] {
                return .column(index: position, type: node.type)
            }
            guard case .column(let index, let type) = node else { return nil }
            if index >= AggregateCollector.markerBase {
                return .column(index: keyCount + index - AggregateCollector.markerBase, type: type)
            }
            let column = scope.columns[index]
            let name = column.table.map { "\($0).\(column.name)" } ?? column.name
            throw TeleError(
                .groupingError, "column \"\(name)\" must appear in the GROUP BY clause or be used in an aggregate function",
                hint: "Add \"\(name)\" to GROUP BY or wrap it in an aggregate such as max(\(column.name)).")
        }
    }
}
