// Rewrites a query to read a materialized view when the view contains what it needs.
//
// A query matches a view when it reads the view's base table alone, groups by a subset of
// the view's dimensions, filters only on dimensions, and uses only aggregates the view
// stores. The rewrite reads the view instead and merges the stored partial aggregates:
//
//     SELECT build_id, HISTOGRAM(histogram) FROM histograms WHERE os = 'Windows' GROUP BY build_id
//  -> SELECT build_id, histogram(h) AS histogram FROM rollup WHERE os = 'Windows' GROUP BY build_id
//
// for `rollup` = `SELECT build_id, os, HISTOGRAM(histogram) AS h FROM histograms GROUP BY
// build_id, os`. Anything it does not recognize leaves the query unchanged.

import TeleCore
import TeleExecution
import TeleSyntax

extension MaterializedViewShape {
    /// Returns `query` rewritten to read this view, or nil when the view lacks what it needs.
    public func rewrite(_ query: SelectStatement) -> SelectStatement? {
        guard filterIsComparable, query.with.isEmpty, case .select(var core) = query.body, !core.distinct,
            core.from.count == 1, case .table(let table, let alias, let position) = core.from[0], table == baseTable
        else { return nil }
        let qualifier = alias ?? table

        // The GROUP BY must be over the dimensions: a subset of them, or expressions of them.
        var mapper = Mapper(shape: self, qualifier: qualifier, outputAliases: [])
        switch core.groupBy {
        case .none:
            break
        case .all:
            return nil
        case .expressions(let expressions):
            var mapped: [Expression] = []
            for expression in expressions {
                guard let column = mapper.map(expression, aggregates: false) else { return nil }
                mapped.append(column)
            }
            core.groupBy = .expressions(mapped)
        }
        // Every conjunct of the view's filter must be in the query's filter. The query's
        // other conjuncts stay and must refer to dimensions only.
        var remaining: [Expression] = []
        var matched = Set<String>()
        for conjunct in core.whereClause.map(ConjunctText.conjuncts) ?? [] {
            if let text = ConjunctText.canonical(conjunct, qualifier: qualifier), filterConjuncts.contains(text) {
                matched.insert(text)
                continue
            }
            guard let mapped = mapper.map(conjunct, aggregates: false) else { return nil }
            remaining.append(mapped)
        }
        guard matched.count == Set(filterConjuncts).count else { return nil }
        core.whereClause = remaining.dropFirst().reduce(remaining.first) { combined, next in
            combined.map { Expression(.binary(op: .and, left: $0, right: next), at: next.position) }
        }

        var items: [SelectItem] = []
        var aliases: [String] = []
        for item in core.items {
            guard case .expression(let expression, let alias) = item, let mapped = mapper.map(expression, aggregates: true)
            else { return nil }
            // Keep the column name the query would have had without the rewrite.
            let name = alias ?? BindContext.derivedName(expression)
            aliases.append(name)
            items.append(.expression(mapped, alias: name))
        }
        core.items = items
        if let having = core.having {
            guard let mapped = mapper.map(having, aggregates: true) else { return nil }
            core.having = mapped
        }
        core.from = [.table(name: self.name, alias: alias, position: position)]

        var rewritten = query
        rewritten.body = .select(core)
        mapper.outputAliases = aliases
        for index in rewritten.orderBy.indices {
            guard let mapped = mapper.map(rewritten.orderBy[index].expression, aggregates: true) else { return nil }
            rewritten.orderBy[index].expression = mapped
        }
        return rewritten
    }

    /// Maps base-table expressions to view expressions.
    private struct Mapper {
        let shape: MaterializedViewShape
        let qualifier: String
        /// Select-list names an ORDER BY may refer to unchanged.
        var outputAliases: [String]

        func map(_ expression: Expression, aggregates: Bool) -> Expression? {
            let at = expression.position
            if let key = ConjunctText.canonical(expression, qualifier: qualifier),
                let dimension = shape.dimensions.first(where: { $0.key == key })
            {
                return Expression(.column(parts: [dimension.column]), at: at)
            }
            switch expression.kind {
            case .literal, .parameter, .interval:
                return expression
            case .column(let parts):
                if parts.count > 2 || (parts.count == 2 && parts[0] != qualifier) { return nil }
                let name = parts[parts.count - 1]
                return parts.count == 1 && outputAliases.contains(name) ? expression : nil
            case .unary(let op, let operand):
                return map(operand, aggregates: aggregates).map { Expression(.unary(op: op, operand: $0), at: at) }
            case .binary(let op, let left, let right):
                guard let left = map(left, aggregates: aggregates), let right = map(right, aggregates: aggregates) else {
                    return nil
                }
                return Expression(.binary(op: op, left: left, right: right), at: at)
            case .cast(let operand, let type):
                return map(operand, aggregates: aggregates).map { Expression(.cast(operand: $0, type: type), at: at) }
            case .isNull(let operand, let negated):
                return map(operand, aggregates: aggregates).map { Expression(.isNull(operand: $0, negated: negated), at: at) }
            case .between(let operand, let low, let high, let negated):
                guard let operand = map(operand, aggregates: aggregates), let low = map(low, aggregates: aggregates),
                    let high = map(high, aggregates: aggregates)
                else { return nil }
                return Expression(.between(operand: operand, low: low, high: high, negated: negated), at: at)
            case .inList(let operand, let list, let negated):
                guard let operand = map(operand, aggregates: aggregates) else { return nil }
                var mappedList: [Expression] = []
                for item in list {
                    guard let mapped = map(item, aggregates: aggregates) else { return nil }
                    mappedList.append(mapped)
                }
                return Expression(.inList(operand: operand, list: mappedList, negated: negated), at: at)
            case .array(let elements):
                var mapped: [Expression] = []
                for element in elements {
                    guard let item = map(element, aggregates: aggregates) else { return nil }
                    mapped.append(item)
                }
                return Expression(.array(mapped), at: at)
            case .function(let call):
                return mapFunction(call, at: at, aggregates: aggregates)
            default:
                return nil
            }
        }

        private func mapFunction(_ call: FunctionCall, at: SourcePosition, aggregates: Bool) -> Expression? {
            let isAggregate = MaterializedViewShape.mergeableAggregates.contains(call.name)
                || AggregateFunctionRegistry.isAggregate(call.name)
            guard isAggregate else {
                // A scalar function: map its arguments.
                guard call.withinGroup.isEmpty, call.filter == nil, !call.star, !call.distinct else { return nil }
                var arguments: [Expression] = []
                for argument in call.arguments {
                    guard let mapped = map(argument, aggregates: aggregates) else { return nil }
                    arguments.append(mapped)
                }
                return Expression(.function(FunctionCall(name: call.name, arguments: arguments)), at: at)
            }
            guard aggregates, !call.distinct, call.filter == nil, call.withinGroup.isEmpty,
                let stored = storedAggregate(call)
            else { return nil }
            let column = Expression(.column(parts: [stored.column]), at: at)
            return Expression(.function(FunctionCall(name: stored.mergeFunction, arguments: [column])), at: at)
        }

        private func storedAggregate(_ call: FunctionCall) -> MaterializedAggregate? {
            var argument: String?
            if !(call.star || (call.name == "count" && call.arguments.isEmpty)) {
                guard call.arguments.count == 1, case .column(let parts) = call.arguments[0].kind,
                    parts.count == 1 || (parts.count == 2 && parts[0] == qualifier)
                else { return nil }
                argument = parts[parts.count - 1]
            }
            return shape.aggregates.first { $0.function == call.name && $0.argument == argument }
        }
    }
}
