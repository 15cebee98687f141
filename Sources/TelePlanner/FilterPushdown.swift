// Filter pushdown: moves each conjunct of a filter as close to the scans as its columns
// allow, so that fewer rows flow through joins and aggregations and scans can skip row
// groups.
//
//   Filter(a.x = 1 AND a.k = b.k)              Join(inner, a.k = b.k)
//     Join(cross)                        ->      Scan a filter=(x = 1)
//       Scan a, Scan b                           Scan b
//
// A predicate moves through a projection by substituting the projected expressions. At an
// inner join it goes to the side whose columns it reads, and a conjunct over both sides
// becomes the join condition, which turns a comma join into an equi-join. At a LEFT or
// RIGHT join only the preserved side takes filters, and only the other side takes ON
// conjuncts. Predicates on GROUP BY keys move below the aggregation. Set operations pass
// them to every branch, sorts and DISTINCT let them through, and LIMIT stops them.

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
            let simplified = simplifyOuterJoin(type, leftCount: left.columnCount, predicates: predicates)
            return pushIntoJoin(left, right, simplified, condition, predicates)
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
        case .tableFunction(let input, let function, let argument):
            // A predicate on the input's columns alone filters input rows before the function
            // runs, which keeps the same output rows.
            let inputCount = input.columnCount
            let below = predicates.filter {
                ExpressionRewriting.isDeterministic($0) && ExpressionRewriting.columnsUsed($0).allSatisfy { $0 < inputCount }
            }
            let above = predicates.filter {
                !(ExpressionRewriting.isDeterministic($0) && ExpressionRewriting.columnsUsed($0).allSatisfy { $0 < inputCount })
            }
            return wrap(.tableFunction(push(input, below), function: function, argument: argument), above)
        case .limit, .topN, .values:
            return wrap(plan.replacingInputs(plan.inputs.map { push($0, []) }), predicates)
        }
    }

    private static func splitDeterministic(_ predicates: [BoundExpression]) -> ([BoundExpression], [BoundExpression]) {
        (predicates.filter(ExpressionRewriting.isDeterministic), predicates.filter { !ExpressionRewriting.isDeterministic($0) })
    }

    /// Moves predicates below a projection, with each column replaced by its expression,
    /// unless an expression a predicate reads is non-deterministic.
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
            let all = predicates + conditionParts
            for predicate in all + inferThroughEqualities(all, leftCount: leftCount) {
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

    /// Turns an outer join into a less outer one when a filter above it rejects the rows
    /// that the join pads with NULLs, so that the filter can then move into the inputs.
    ///
    ///   Filter(o.amount > 60) (Join(left, u.id = o.user_id))  ->  Join(inner, ...)
    private static func simplifyOuterJoin(_ type: JoinType, leftCount: Int, predicates: [BoundExpression]) -> JoinType {
        guard type == .left || type == .right || type == .full else { return type }
        let rejectsLeftNulls = predicates.contains { rejectsNulls($0) { $0 < leftCount } }
        let rejectsRightNulls = predicates.contains { rejectsNulls($0) { $0 >= leftCount } }
        switch type {
        case .left: return rejectsRightNulls ? .inner : .left
        case .right: return rejectsLeftNulls ? .inner : .right
        default:
            switch (rejectsLeftNulls, rejectsRightNulls) {
            case (true, true): return .inner
            case (true, false): return .left
            case (false, true): return .right
            case (false, false): return .full
            }
        }
    }

    /// Returns whether the predicate is never true when a column selected by `onSide` is NULL.
    /// Only forms that are certain are recognized: a comparison, LIKE or IN list whose
    /// operand is such a column (possibly cast), and `column IS NOT NULL`.
    private static func rejectsNulls(_ predicate: BoundExpression, onSide: (Int) -> Bool) -> Bool {
        func isSideColumn(_ expression: BoundExpression) -> Bool {
            switch expression {
            case .column(let index, _): return onSide(index)
            case .cast(let operand, _): return isSideColumn(operand)
            default: return false
            }
        }
        switch predicate {
        case .function(let function, let arguments):
            guard ["=", "<>", "<", "<=", ">", ">="].contains(function.name) else { return false }
            return arguments.contains(where: isSideColumn)
        case .like(let operand, _, _, _, _), .inList(let operand, _, _):
            return isSideColumn(operand)
        case .isNull(let operand, negated: true):
            return isSideColumn(operand)
        default:
            return false
        }
    }

    /// Copies constant comparisons across equi-join columns, so that both scans filter and
    /// skip row groups.
    ///
    ///   a.id = b.id AND a.id = 5  ->  also b.id = 5
    private static func inferThroughEqualities(_ predicates: [BoundExpression], leftCount: Int) -> [BoundExpression] {
        var pairs: [(Int, Int)] = []
        for predicate in predicates {
            guard case .function(let function, let arguments) = predicate, function.name == "=", arguments.count == 2,
                case .column(let first, let firstType) = arguments[0], case .column(let second, let secondType) = arguments[1],
                firstType == secondType, (first < leftCount) != (second < leftCount)
            else { continue }
            pairs.append((first, second))
        }
        guard !pairs.isEmpty else { return [] }

        let existing = Set(predicates.map(ExpressionPrinter.key))
        var inferred: [BoundExpression] = []
        for predicate in predicates {
            guard let column = constantComparisonColumn(predicate) else { continue }
            for (first, second) in pairs where column == first || column == second {
                let target = column == first ? second : first
                let copy = ExpressionRewriting.transform(predicate) { node in
                    guard case .column(let index, let type) = node, index == column else { return nil }
                    return .column(index: target, type: type)
                }
                if !existing.contains(ExpressionPrinter.key(copy)) { inferred.append(copy) }
            }
        }
        return inferred
    }

    /// Returns the column of `column <op> constant` or `column IN (constants)`, else nil.
    private static func constantComparisonColumn(_ predicate: BoundExpression) -> Int? {
        func isConstant(_ expression: BoundExpression) -> Bool {
            if case .constant = expression { return true }
            return false
        }
        switch predicate {
        case .function(let function, let arguments) where ["=", "<>", "<", "<=", ">", ">="].contains(function.name):
            guard arguments.count == 2 else { return nil }
            if case .column(let index, _) = arguments[0], isConstant(arguments[1]) { return index }
            if case .column(let index, _) = arguments[1], isConstant(arguments[0]) { return index }
            return nil
        case .inList(.column(let index, _), let list, _):
            return list.allSatisfy(isConstant) ? index : nil
        default:
            return nil
        }
    }
}
