// The optimizer: a fixed sequence of rewrite rules over the logical plan. Each rule lives
// in its own file with a before/after example; this file contains the rule order, the TopN rule and the projection merge.

import TeleCore
import TeleExecution

enum Optimizer {
    static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        var plan = ConstantFolding.apply(plan)
        plan = FilterPushdown.apply(plan)
        // Pushed predicates may have become constant after substitution.
        plan = ConstantFolding.apply(plan)
        plan = JoinOrdering.apply(plan)
        plan = countRowsFromMetadata(plan)
        plan = DistinctAggregateSplit.apply(plan)
        plan = introduceTopN(plan)
        plan = mergeProjections(plan)
        plan = ProjectionPruning.apply(plan)
        plan = removeIdentityProjections(plan)
        plan = ZoneMapPredicates.apply(plan)
        return plan
    }

    /// ORDER BY followed by LIMIT keeps only the first rows in a bounded heap instead of
    /// sorting everything.
    ///
    ///   Limit 10 (Sort x)                ->  TopN x limit=10
    ///   Limit 10 (Projection (Sort x))   ->  Projection (TopN x limit=10)
    static func introduceTopN(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .limit(let input, let limit?, let offset) = node else { return nil }
            switch input {
            case .sort(let sorted, let keys):
                return .topN(sorted, keys: keys, limit: limit, offset: offset)
            case .projection(.sort(let sorted, let keys), let expressions, let names):
                return .projection(.topN(sorted, keys: keys, limit: limit, offset: offset), expressions: expressions, names: names)
            default:
                return nil
            }
        }
    }

    /// Merges two stacked projections into one, substituting the lower expressions into the
    /// upper ones. Skipped when a lower expression is non-deterministic or contains a subquery,
    /// because substitution could evaluate it more than once.
    ///
    ///   Projection [id AS ping_id] (Projection [id] (Scan))  ->  Projection [id AS ping_id] (Scan)
    static func mergeProjections(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .projection(.projection(let input, let inner, _), let outer, let names) = node,
                inner.allSatisfy(ExpressionRewriting.isDeterministic)
            else { return nil }
            let merged = outer.map { ExpressionRewriting.substitute($0, with: inner) }
            return .projection(input, expressions: merged, names: names)
        }
    }

    /// Drops a projection that outputs a scan's columns unchanged, as pruning leaves when the
    /// scan already reads only the selected columns. Result column names come from the
    /// binder, so only EXPLAIN loses the projection's names.
    ///
    ///   Projection [n] (Scan nums columns=[n])  ->  Scan nums columns=[n]
    static func removeIdentityProjections(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .projection(let input, let expressions, _) = node, case .scan = input,
                expressions.count == input.columnCount
            else { return nil }
            for (position, expression) in expressions.enumerated() {
                guard case .column(let index, _) = expression, index == position else { return nil }
            }
            return input
        }
    }

    /// Computes `count(*)` over a whole table from the row counts of its row groups instead
    /// of reading a column, because a scan would produce exactly those rows.
    ///
    ///   Aggregate [count(*)] (Scan pings)  ->  Values [(rows of pings)]
    static func countRowsFromMetadata(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .aggregate(.scan(let scan), let keys, let aggregates) = node, keys.isEmpty, scan.filters.isEmpty,
                scan.rowSample == nil, !aggregates.isEmpty,
                aggregates.allSatisfy({ $0.function.name == "count" && $0.arguments.isEmpty && $0.filter == nil })
            else { return nil }
            let row = aggregates.map { aggregate in
                BoundExpression.constant(.integer(Int64(scan.table.rowCount)), type: aggregate.function.returnType)
            }
            return .values(types: aggregates.map(\.function.returnType), rows: [row])
        }
    }
}
