// Filter pushdown: moves each conjunct of a filter as close to the scans as its columns
// allow, so that fewer rows flow through joins and aggregations and scans can skip row
// groups.
//
//   Filter(a.x = 1 AND a.k = b.k)              Join(inner, a.k = b.k)
//     Join(cross)                        ->      Scan a filter=(x = 1)
//       Scan a, Scan b                           Scan b
//
// Rules: through projections by substituting the projected expressions; into both sides
// of inner joins, where a conjunct over both sides becomes the join condition (turning a
// comma join into an equi-join); into the preserved side of LEFT/RIGHT joins only (and ON
// conjuncts into the non-preserved side); through GROUP BY when only keys are read; into
// every branch of set operations; through sorts and DISTINCT; never below LIMIT.

import TeleCore
import TeleExecution

enum FilterPushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        push(plan, [])
    }

    private static func wrap(_ plan: LogicalPlan, _ predicates: [BoundExpression]) -> LogicalPlan {
        guard let predicate = ExpressionRewriting.conjunction(predicates) else { return plan }
        return .filter(plan, predicate: predicate)
    }

    private static func push(_ plan: LogicalPlan, _ predicates: [BoundExpression]) -> LogicalPlan {
        switch plan {
        case .filter(let input, let predicate):
            return push(input, predicates + ExpressionRewriting.conjuncts(predicate))
        case .scan(var scan):
            scan.filters += predicates
            return .scan(scan)
        case .projection(let input, let expressions, let names):
            return pushThroughProjection(input, expressions, names, predicates)
        case .join(let left, let right, let type, let condition):
            return pushIntoJoin(left, right, type, condition, predicates)
        case .aggregate(let input, let keys, let aggregates):
            var below: [BoundExpression] = []
            var above: [BoundExpression] = []
            for predicate in predicates {
                let used = ExpressionRewriting.columnsUsed(predicate)
                if used.allSatisfy({ $0 < keys.count }), ExpressionRewriting.isDeterministic(predicate), !keys.isEmpty {
                    below.append(ExpressionRewriting.substitute(predicate, with: keys))
                } else {
                    above.append(predicate)
                }
            }
            return wrap(.aggregate(push(input, below), keys: keys, aggregates: aggregates), above)
        case .sort(let input, let keys):
            return .sort(push(input, predicates), keys: keys)
        case .distinct(let input):
            return .distinct(push(input, predicates))
        case .setOperation(let left, let right, let kind, let all):
            let (movable, kept) = splitDeterministic(predicates)
            return wrap(.setOperation(push(left, movable), push(right, movable), kind: kind, all: all), kept)
        case .unionAll(let inputs):
            let (movable, kept) = splitDeterministic(predicates)
            return wrap(.unionAll(inputs.map { push($0, movable) }), kept)
        case .limit, .topN, .values:
            return wrap(plan.replacingInputs(plan.inputs.map { push($0, []) }), predicates)
        }
    }

    private static func splitDeterministic(_ predicates: [BoundExpression]) -> ([BoundExpression], [BoundExpression]) {
        (predicates.filter(ExpressionRewriting.isDeterministic), predicates.filter { !ExpressionRewriting.isDeterministic($0) })
    }

    /// A predicate over a projection's output moves below it with each column replaced by
    /// its expression, unless an expression it reads is non-deterministic.
    private static func pushThroughProjection(
        _ input: LogicalPlan, _ expressions: [BoundExpression], _ names: [String], _ predicates: [BoundExpression]
    ) -> LogicalPlan {
        var below: [BoundExpression] = []
        var above: [BoundExpression] = []
        for predicate in predicates {
            let used = ExpressionRewriting.columnsUsed(predicate)
            if used.allSatisfy({ ExpressionRewriting.isDeterministic(expressions[$0]) }) {
                below.append(ExpressionRewriting.substitute(predicate, with: expressions))
            } else {
                above.append(predicate)
            }
        }
        return wrap(.projection(push(input, below), expressions: expressions, names: names), above)
    }

    private enum Side { case left, right, both, neither }

    private static func side(of expression: BoundExpression, leftCount: Int) -> Side {
        let used = ExpressionRewriting.columnsUsed(expression)
        if used.isEmpty { return .neither }
        if used.allSatisfy({ $0 < leftCount }) { return .left }
        if used.allSatisfy({ $0 >= leftCount }) { return .right }
        return .both
    }

    private static func pushIntoJoin(
        _ left: LogicalPlan, _ right: LogicalPlan, _ type: JoinType, _ condition: BoundExpression?,
        _ predicates: [BoundExpression]
    ) -> LogicalPlan {
        let leftCount = left.columnCount
        let conditionParts = condition.map(ExpressionRewriting.conjuncts) ?? []
        var toLeft: [BoundExpression] = []
        var toRight: [BoundExpression] = []
        var joinConditions: [BoundExpression] = []
        var above: [BoundExpression] = []

        func sendRight(_ predicate: BoundExpression) {
            toRight.append(ExpressionRewriting.shift(predicate, by: -leftCount))
        }

        switch type {
        case .inner:
            for predicate in predicates + conditionParts {
                switch side(of: predicate, leftCount: leftCount) {
                case .left, .neither: toLeft.append(predicate)
                case .right: sendRight(predicate)
                case .both: joinConditions.append(predicate)
                }
            }
        case .left, .semi, .anti:
            // Filters above see only rows of the preserved (left) side unchanged; ON
            // conjuncts on the right side only restrict which right rows can match.
            for predicate in predicates {
                if side(of: predicate, leftCount: leftCount) == .left { toLeft.append(predicate) } else { above.append(predicate) }
            }
            for part in conditionParts {
                if side(of: part, leftCount: leftCount) == .right { sendRight(part) } else { joinConditions.append(part) }
            }
        case .right:
            for predicate in predicates {
                if side(of: predicate, leftCount: leftCount) == .right { sendRight(predicate) } else { above.append(predicate) }
            }
            for part in conditionParts {
                if side(of: part, leftCount: leftCount) == .left { toLeft.append(part) } else { joinConditions.append(part) }
            }
        case .full:
            above = predicates
            joinConditions = conditionParts
        }

        let join = LogicalPlan.join(
            push(left, toLeft), push(right, toRight), type: type, condition: ExpressionRewriting.conjunction(joinConditions))
        return wrap(join, above)
    }
}
