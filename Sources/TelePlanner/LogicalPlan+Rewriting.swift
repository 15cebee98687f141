// Rewriting every expression of a plan tree, used by constant folding and by filling the
// outer-reference slots of a correlated subquery.

import TeleCore
import TeleExecution

extension LogicalPlan {
    /// Applies `map` to every expression in this node and all nodes below it.
    func mapExpressions(_ map: (BoundExpression) throws -> BoundExpression) rethrows -> LogicalPlan {
        func sortKeys(_ keys: [SortKey]) throws -> [SortKey] {
            try keys.map { SortKey(expression: try map($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        }
        switch self {
        case .scan(var scan):
            scan.filters = try scan.filters.map(map)
            return .scan(scan)
        case .values(let types, let rows):
            return .values(types: types, rows: try rows.map { try $0.map(map) })
        case .filter(let input, let predicate):
            return .filter(try input.mapExpressions(map), predicate: try map(predicate))
        case .projection(let input, let expressions, let names):
            return .projection(try input.mapExpressions(map), expressions: try expressions.map(map), names: names)
        case .aggregate(let input, let keys, let aggregates):
            let mappedAggregates = try aggregates.map { aggregate in
                BoundAggregate(
                    function: aggregate.function, arguments: try aggregate.arguments.map(map),
                    distinct: aggregate.distinct, filter: try aggregate.filter.map(map))
            }
            return .aggregate(try input.mapExpressions(map), keys: try keys.map(map), aggregates: mappedAggregates)
        case .join(let left, let right, let type, let condition):
            return .join(
                try left.mapExpressions(map), try right.mapExpressions(map), type: type, condition: try condition.map(map))
        case .sort(let input, let keys):
            return .sort(try input.mapExpressions(map), keys: try sortKeys(keys))
        case .limit(let input, let limit, let offset):
            return .limit(try input.mapExpressions(map), limit: limit, offset: offset)
        case .topN(let input, let keys, let limit, let offset):
            return .topN(try input.mapExpressions(map), keys: try sortKeys(keys), limit: limit, offset: offset)
        case .distinct(let input):
            return .distinct(try input.mapExpressions(map))
        case .setOperation(let left, let right, let kind, let all):
            return .setOperation(try left.mapExpressions(map), try right.mapExpressions(map), kind: kind, all: all)
        case .unionAll(let inputs):
            return .unionAll(try inputs.map { try $0.mapExpressions(map) })
        case .tableFunction(let input, let function, let argument):
            return .tableFunction(try input.mapExpressions(map), function: function, argument: try map(argument))
        }
    }
}

extension LogicalPlan {
    var inputs: [LogicalPlan] {
        switch self {
        case .scan, .values: return []
        case .filter(let input, _), .projection(let input, _, _), .aggregate(let input, _, _), .sort(let input, _),
            .limit(let input, _, _), .topN(let input, _, _, _), .distinct(let input), .tableFunction(let input, _, _):
            return [input]
        case .join(let left, let right, _, _), .setOperation(let left, let right, _, _): return [left, right]
        case .unionAll(let inputs): return inputs
        }
    }

    /// Rebuilds this node with new inputs, in the order `inputs` lists them.
    func replacingInputs(_ newInputs: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .scan, .values: return self
        case .filter(_, let predicate): return .filter(newInputs[0], predicate: predicate)
        case .projection(_, let expressions, let names):
            return .projection(newInputs[0], expressions: expressions, names: names)
        case .aggregate(_, let keys, let aggregates): return .aggregate(newInputs[0], keys: keys, aggregates: aggregates)
        case .sort(_, let keys): return .sort(newInputs[0], keys: keys)
        case .limit(_, let limit, let offset): return .limit(newInputs[0], limit: limit, offset: offset)
        case .topN(_, let keys, let limit, let offset):
            return .topN(newInputs[0], keys: keys, limit: limit, offset: offset)
        case .distinct: return .distinct(newInputs[0])
        case .join(_, _, let type, let condition): return .join(newInputs[0], newInputs[1], type: type, condition: condition)
        case .setOperation(_, _, let kind, let all): return .setOperation(newInputs[0], newInputs[1], kind: kind, all: all)
        case .unionAll: return .unionAll(newInputs)
        case .tableFunction(_, let function, let argument):
            return .tableFunction(newInputs[0], function: function, argument: argument)
        }
    }

    /// Rewrites the tree from the leaves up; `rewrite` returns nil to keep a node.
    func rewriteBottomUp(_ rewrite: (LogicalPlan) throws -> LogicalPlan?) rethrows -> LogicalPlan {
        let rebuilt = replacingInputs(try inputs.map { try $0.rewriteBottomUp(rewrite) })
        return try rewrite(rebuilt) ?? rebuilt
    }
}
