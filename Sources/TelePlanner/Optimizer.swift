// The optimizer: a fixed sequence of rewrite rules over the logical plan. Each rule lives
// in its own file with a before/after example; this file holds the order and the TopN rule.

import TeleCore
import TeleExecution

enum Optimizer {
    static func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        var plan = ConstantFolding.apply(plan)
        plan = FilterPushdown.apply(plan)
        // Pushed predicates may have become constant after substitution.
        plan = ConstantFolding.apply(plan)
        plan = introduceTopN(plan)
        plan = mergeProjections(plan)
        plan = ProjectionPruning.apply(plan)
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

    /// Two stacked projections become one, with the lower expressions substituted into the
    /// upper ones. Skipped when a lower expression is non-deterministic or holds a subquery,
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
}
