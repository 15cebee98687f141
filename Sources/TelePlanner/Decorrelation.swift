// Decorrelation of EXISTS, NOT EXISTS and IN subqueries in WHERE into semi and anti joins.
//
//   SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id)
//     ->  Join(semi, u.id = o.user_id) (Scan users, Scan orders)
//
// Without it, a correlated subquery is planned and run again for every distinct outer row.
// The rewrite applies when the outer references sit only in the subquery's top-level WHERE
// (or HAVING) conjuncts: those conjuncts become the join condition, with each outer
// reference replaced by the outer expression it stands for.

import TeleCore
import TeleExecution

/// A correlated subquery turned into the right input of a semi or anti join.
struct DecorrelatedSubquery {
    var right: LogicalPlan
    /// Conjuncts over the outer columns followed by the columns of `right`.
    var condition: [BoundExpression]
    /// The subquery's select list over the same combined layout.
    var selectList: [BoundExpression]
}

enum Decorrelation {
    /// Splits a bound subquery plan into an uncorrelated input and a join condition, or
    /// returns nil when outer references occur anywhere but the top-level filter.
    ///
    /// - Parameters:
    ///   - plan: the subquery's plan, a projection over an optional filter.
    ///   - correlatedValues: the outer expressions for each slot, over the outer input.
    ///   - outerCount: the number of columns of the outer input.
    static func decorrelate(_ plan: LogicalPlan, correlatedValues: [BoundExpression], outerCount: Int)
        -> DecorrelatedSubquery?
    {
        var plan = plan
        // IN may have put a cast projection on top of the select list.
        if case .projection(.projection(let input, let inner, let names), let outer, _) = plan {
            plan = .projection(input, expressions: outer.map { ExpressionRewriting.substitute($0, with: inner) }, names: names)
        }
        guard case .projection(let input, let selectList, _) = plan else { return nil }
        var base = input
        var conjuncts: [BoundExpression] = []
        if case .filter(let filtered, let predicate) = input {
            base = filtered
            conjuncts = ExpressionRewriting.conjuncts(predicate)
        }
        guard !containsOuterReference(base), !selectList.contains(where: containsOuterReference) else { return nil }

        let correlated = conjuncts.filter(containsOuterReference)
        guard !correlated.isEmpty else { return nil }
        let kept = conjuncts.filter { !containsOuterReference($0) }
        let right = ExpressionRewriting.conjunction(kept).map { LogicalPlan.filter(base, predicate: $0) } ?? base

        // Inner columns move behind the outer ones; outer references become outer columns.
        func lift(_ expression: BoundExpression) -> BoundExpression {
            ExpressionRewriting.transform(ExpressionRewriting.shift(expression, by: outerCount)) { node in
                guard case .outerReference(let slot, _) = node else { return nil }
                return correlatedValues[slot]
            }
        }
        return DecorrelatedSubquery(
            right: right, condition: correlated.map(lift), selectList: selectList.map(lift))
    }

    static func containsOuterReference(_ expression: BoundExpression) -> Bool {
        var found = false
        ExpressionRewriting.visit(expression) { node in
            if case .outerReference = node { found = true }
        }
        return found
    }

    static func containsOuterReference(_ plan: LogicalPlan) -> Bool {
        var found = false
        _ = plan.mapExpressions { expression in
            if containsOuterReference(expression) { found = true }
            return expression
        }
        return found
    }
}
