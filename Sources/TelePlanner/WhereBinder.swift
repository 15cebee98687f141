// Binds WHERE clauses. Conjuncts that are IN or EXISTS subqueries become semi and anti
// joins where the NULL rules allow it: an uncorrelated `x IN (subquery)`, and a correlated
// EXISTS, NOT EXISTS or IN whose outer references `Decorrelation` can lift into the join
// condition. Everything else becomes one filter.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds WHERE over `input`. IN and EXISTS conjuncts may become joins here because WHERE
    /// drops a row for a NULL result as it does for false, so three-valued logic is kept.
    func bindWhere(_ whereClause: Expression, over input: LogicalPlan) throws -> LogicalPlan {
        clause = "WHERE"
        var plan = input
        var predicates: [BoundExpression] = []
        var semiJoins: [(LogicalPlan, BoundExpression)] = []
        var correlatedJoins: [(right: LogicalPlan, type: JoinType, condition: [BoundExpression])] = []
        let outerCount = scope.columns.count
        for conjunct in Self.splitConjuncts(whereClause) {
            if let (query, negated) = Self.existsForm(conjunct) {
                let (bound, correlated) = try bindInnerQuery(query, position: conjunct.position)
                if !correlated.isEmpty,
                    let join = Decorrelation.decorrelate(bound.plan, correlatedValues: correlated, outerCount: outerCount)
                {
                    correlatedJoins.append((join.right, negated ? .anti : .semi, join.condition))
                } else {
                    let subquery = Self.makeSubquery(
                        kind: .exists(negated: negated), type: .boolean, plan: bound.plan, correlatedValues: correlated)
                    predicates.append(.subquery(subquery))
                }
                continue
            }
            // NOTE: NOT IN stays a subquery expression. An anti join would be wrong when the
            // subquery returns a NULL, and the binder does not track which columns can be NULL.
            if case .inSubquery(let operand, let query, false) = conjunct.kind {
                let (operandBound, subplan, correlated) = try bindInSubqueryParts(operand, query, position: conjunct.position)
                if correlated.isEmpty {
                    semiJoins.append((subplan, operandBound))
                    continue
                }
                if let join = Decorrelation.decorrelate(subplan, correlatedValues: correlated, outerCount: outerCount) {
                    let equal = try applyFunction("=", [operandBound, join.selectList[0]], position: conjunct.position)
                    correlatedJoins.append((join.right, .semi, [equal] + join.condition))
                    continue
                }
                let subquery = Self.makeSubquery(
                    kind: .inSubquery(operand: operandBound, negated: false), type: .boolean, plan: subplan,
                    correlatedValues: correlated)
                predicates.append(.subquery(subquery))
                continue
            }
            predicates.append(contentsOf: ExpressionRewriting.conjuncts(try bindCondition(conjunct, clause: "WHERE")))
        }
        if let predicate = ExpressionRewriting.conjunction(predicates) {
            plan = .filter(plan, predicate: predicate)
        }
        for (subplan, operand) in semiJoins {
            let column = BoundExpression.column(index: outerCount, type: operand.type)
            let equal = try applyFunction("=", [operand, column], position: whereClause.position)
            plan = .join(plan, subplan, type: .semi, condition: equal)
        }
        for join in correlatedJoins {
            plan = .join(plan, join.right, type: join.type, condition: ExpressionRewriting.conjunction(join.condition))
        }
        return plan
    }

    /// Returns the query and negation of `[NOT] EXISTS (...)`, also when written as
    /// `NOT (EXISTS ...)`.
    private static func existsForm(_ expression: Expression) -> (SelectStatement, Bool)? {
        switch expression.kind {
        case .exists(let query, let negated):
            return (query, negated)
        case .unary(.not, let operand):
            guard case .exists(let query, let negated) = operand.kind else { return nil }
            return (query, !negated)
        default:
            return nil
        }
    }

    static func splitConjuncts(_ expression: Expression) -> [Expression] {
        if case .binary(.and, let left, let right) = expression.kind {
            return splitConjuncts(left) + splitConjuncts(right)
        }
        return [expression]
    }
}
