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
}
