// Turns DISTINCT aggregates into two plain aggregations, so that they can run in parallel
// and use the grouping paths built for GROUP BY.
//
// When every aggregate of a node is DISTINCT over the same one argument and has no FILTER,
// the distinct values are the groups of an inner aggregation keyed by the original keys and
// that argument. The outer aggregation then folds one row per distinct value:
//
//   Aggregate keys=[day] [count(DISTINCT client)] (Scan)
//     ->  Aggregate keys=[#0] [count(#1)] (Aggregate keys=[day, client] [] (Scan))
//
// A NULL argument becomes a group of its own, which the outer aggregate skips as it skips
// NULLs anywhere, so the result is unchanged.

import TeleCore
import TeleExecution

enum DistinctAggregateSplit {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .aggregate(let input, let keys, let aggregates) = node,
                let argument = sharedDistinctArgument(aggregates, names: input.outputNames)
            else { return nil }
            let inner = LogicalPlan.aggregate(input, keys: keys + [argument], aggregates: [])
            let outerKeys = keys.enumerated().map { BoundExpression.column(index: $0.offset, type: $0.element.type) }
            let distinctValue = BoundExpression.column(index: keys.count, type: argument.type)
            let outerAggregates = aggregates.map { aggregate in
                BoundAggregate(function: aggregate.function, arguments: [distinctValue], distinct: false, filter: nil)
            }
            return .aggregate(inner, keys: outerKeys, aggregates: outerAggregates)
        }
    }

    /// Returns the one argument every aggregate takes DISTINCT, or nil when the split does
    /// not apply.
    private static func sharedDistinctArgument(_ aggregates: [BoundAggregate], names: [String]) -> BoundExpression? {
        guard let first = aggregates.first, first.arguments.count == 1 else { return nil }
        let text = ExpressionPrinter.text(first.arguments[0], names: names)
        for aggregate in aggregates {
            guard aggregate.distinct, aggregate.filter == nil, aggregate.arguments.count == 1,
                ExpressionPrinter.text(aggregate.arguments[0], names: names) == text,
                ExpressionRewriting.isDeterministic(aggregate.arguments[0]), !ExpressionRewriting.containsSubquery(aggregate.arguments[0])
            else { return nil }
        }
        return first.arguments[0]
    }
}
