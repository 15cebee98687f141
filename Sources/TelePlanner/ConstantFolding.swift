// Constant folding: computes at plan time what does not depend on the data.
//
//   WHERE x > 1 + 1                 ->  WHERE x > 2
//   WHERE TRUE AND x = 1            ->  WHERE x = 1
//   WHERE x = 1 OR TRUE             ->  (filter removed)
//   WHERE x / 0 = NULL              ->  no rows, without evaluating x / 0
//   CASE WHEN FALSE THEN a ELSE b   ->  b
//   abs(NULL)                       ->  NULL
//
// Operators are strict, so one NULL operand makes the result NULL whatever the other side
// is; PostgreSQL's planner folds them the same way. A filter that folds to FALSE or NULL
// becomes an empty input, so the plan below it never runs.
//
// A constant expression that fails (1/0) is left as written, because it may sit in a CASE
// branch that never runs. Execution reports the error if the row reaches it.

import TeleCore
import TeleExecution

enum ConstantFolding {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let folded = plan.mapExpressions(fold)
        return simplifyFilters(folded)
    }

    static func fold(_ expression: BoundExpression) -> BoundExpression {
        ExpressionRewriting.transform(expression, foldNode)
    }

    private static func isConstant(_ expression: BoundExpression) -> Bool {
        if case .constant = expression { return true }
        return false
    }

    private static func constantBool(_ expression: BoundExpression) -> Bool?? {
        guard case .constant(let value, _) = expression else { return nil }
        switch value {
        case .boolean(let flag): return .some(flag)
        case .null: return .some(nil)
        default: return nil
        }
    }

    /// Operators whose result is NULL when any operand is NULL.
    private static let strictOperators: Set<String> = [
        "+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "||", "~", "~*", "!~", "!~*", "negate",
    ]

    private static func isNullConstant(_ expression: BoundExpression) -> Bool {
        if case .constant(.null, _) = expression { return true }
        return false
    }

    private static func foldNode(_ node: BoundExpression) -> BoundExpression? {
        switch node {
        case .function(let function, let arguments)
        where strictOperators.contains(function.name) && arguments.contains(where: isNullConstant):
            return .constant(.null, type: function.returnType)
        case .inList(let operand, let list, _) where isNullConstant(operand) && !list.isEmpty:
            return .constant(.null, type: .boolean)
        case .like(let operand, let pattern, _, _, _) where isNullConstant(operand) || isNullConstant(pattern):
            return .constant(.null, type: .boolean)
        case .and(let operands):
            return foldLogical(operands, absorbing: false, isAnd: true)
        case .or(let operands):
            return foldLogical(operands, absorbing: true, isAnd: false)
        case .caseWhen(let branches, let elseResult, let type):
            return foldCase(branches, elseResult: elseResult, type: type)
        case .coalesce(let operands, let type):
            var kept: [BoundExpression] = []
            for operand in operands {
                if case .constant(let value, _) = operand {
                    if value.isNull { continue }
                    kept.append(operand)
                    break
                }
                kept.append(operand)
            }
            if kept.isEmpty { return .constant(.null, type: type) }
            if kept.count == 1 { return kept[0] }
            return .coalesce(kept, type: type)
        case .function(let function, let arguments):
            guard function.isDeterministic, arguments.allSatisfy(isConstant) else { return nil }
            return evaluate(node)
        case .column, .constant, .outerReference, .subquery:
            return nil
        default:
            guard ExpressionRewriting.children(of: node).allSatisfy(isConstant) else { return nil }
            return evaluate(node)
        }
    }

    private static func evaluate(_ node: BoundExpression) -> BoundExpression? {
        guard let value = try? ExpressionEvaluator.evaluateConstant(node) else { return nil }
        return .constant(value, type: node.type)
    }

    /// Drops operands that cannot change the result (TRUE in AND, FALSE in OR) and
    /// short-circuits on the absorbing value (FALSE in AND, TRUE in OR).
    private static func foldLogical(_ operands: [BoundExpression], absorbing: Bool, isAnd: Bool) -> BoundExpression? {
        var kept: [BoundExpression] = []
        for operand in operands.flatMap({ isAnd ? ExpressionRewriting.conjuncts($0) : [$0] }) {
            if let flag = constantBool(operand), let value = flag {
                if value == absorbing { return .constant(.boolean(absorbing), type: .boolean) }
                continue
            }
            kept.append(operand)
        }
        if kept.isEmpty { return .constant(.boolean(!absorbing), type: .boolean) }
        if kept.count == 1 { return kept[0] }
        return isAnd ? .and(kept) : .or(kept)
    }

    private static func foldCase(
        _ branches: [(condition: BoundExpression, result: BoundExpression)], elseResult: BoundExpression, type: DataType
    ) -> BoundExpression? {
        var kept: [(condition: BoundExpression, result: BoundExpression)] = []
        for branch in branches {
            if let flag = constantBool(branch.condition) {
                if flag == true {
                    // Every later branch and the ELSE are unreachable.
                    if kept.isEmpty { return branch.result }
                    return .caseWhen(branches: kept, elseResult: branch.result, type: type)
                }
                continue
            }
            kept.append(branch)
        }
        if kept.isEmpty { return elseResult }
        return .caseWhen(branches: kept, elseResult: elseResult, type: type)
    }

    /// Removes filters whose predicate folded to TRUE and replaces a filter or scan whose
    /// predicate folded to FALSE or NULL with an input of no rows.
    private static func simplifyFilters(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            switch node {
            case .filter(let input, let predicate):
                guard let flag = constantBool(predicate) else { return nil }
                return flag == true ? input : .values(types: input.outputTypes, rows: [])
            case .scan(let scan):
                let rejectsAll = scan.filters.contains { filter in
                    guard let flag = constantBool(filter) else { return false }
                    return flag != true
                }
                return rejectsAll ? .values(types: node.outputTypes, rows: []) : nil
            default:
                return nil
            }
        }
    }
}
