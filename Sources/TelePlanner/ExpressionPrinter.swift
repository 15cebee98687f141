// Prints bound expressions as SQL-like text for EXPLAIN, and as a structural key that the
// binder compares to match GROUP BY expressions and DISTINCT sort keys.

import Foundation
import TeleCore
import TeleExecution

enum ExpressionPrinter {
    /// Prints the expression with each column written as its name in `names`.
    static func text(_ expression: BoundExpression, names: [String]) -> String {
        render(expression) { index in index < names.count ? names[index] : "#\(index)" }
    }

    /// Prints the expression with columns written by position, so equal keys mean equal
    /// expressions.
    static func key(_ expression: BoundExpression) -> String {
        render(expression) { "#\($0)" }
    }

    static func text(_ aggregate: BoundAggregate, names: [String]) -> String {
        var text = aggregate.function.name + "("
        if aggregate.arguments.isEmpty && aggregate.function.name == "count" {
            text += "*"
        } else {
            if aggregate.distinct { text += "DISTINCT " }
            text += aggregate.arguments.map { self.text($0, names: names) }.joined(separator: ", ")
        }
        text += ")"
        if let filter = aggregate.filter { text += " FILTER (WHERE \(self.text(filter, names: names)))" }
        return text
    }

    static func key(_ aggregate: BoundAggregate) -> String {
        text(aggregate, names: []) + "->" + aggregate.function.returnType.sqlName
    }

    private static let infixOperators: Set<String> = [
        "+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "||", "~", "~*", "!~", "!~*",
    ]

    private static func render(_ expression: BoundExpression, column: (Int) -> String) -> String {
        func inner(_ expression: BoundExpression) -> String { render(expression, column: column) }
        switch expression {
        case .column(let index, _):
            return column(index)
        case .constant(let value, let type):
            return literal(value, type: type)
        case .outerReference(let slot, _):
            return "$outer\(slot)"
        case .cast(let operand, let type):
            return "CAST(\(inner(operand)) AS \(type.sqlName))"
        case .function(let function, let arguments):
            if infixOperators.contains(function.name), arguments.count == 2 {
                return "(\(inner(arguments[0])) \(function.name) \(inner(arguments[1])))"
            }
            if function.name == "negate", arguments.count == 1 { return "(- \(inner(arguments[0])))" }
            return function.name + "(" + arguments.map(inner).joined(separator: ", ") + ")"
        case .and(let operands):
            return "(" + operands.map(inner).joined(separator: " AND ") + ")"
        case .or(let operands):
            return "(" + operands.map(inner).joined(separator: " OR ") + ")"
        case .not(let operand):
            return "(NOT \(inner(operand)))"
        case .isNull(let operand, let negated):
            return "(\(inner(operand)) IS \(negated ? "NOT " : "")NULL)"
        case .isDistinctFrom(let left, let right, let negated):
            return "(\(inner(left)) IS \(negated ? "NOT " : "")DISTINCT FROM \(inner(right)))"
        case .caseWhen(let branches, let elseResult, _):
            let whens = branches.map { "WHEN \(inner($0.condition)) THEN \(inner($0.result))" }
            return "CASE " + whens.joined(separator: " ") + " ELSE \(inner(elseResult)) END"
        case .inList(let operand, let list, let negated):
            let items = list.map(inner).joined(separator: ", ")
            return "(\(inner(operand)) \(negated ? "NOT " : "")IN (\(items)))"
        case .like(let operand, let pattern, let caseInsensitive, let negated, _):
            let keyword = (negated ? "NOT " : "") + (caseInsensitive ? "ILIKE" : "LIKE")
            return "(\(inner(operand)) \(keyword) \(inner(pattern)))"
        case .coalesce(let operands, _):
            return "coalesce(" + operands.map(inner).joined(separator: ", ") + ")"
        case .subquery(let subquery):
            let outer = subquery.correlatedValues.map(inner).joined(separator: ", ")
            let suffix = outer.isEmpty ? "" : " outer=[\(outer)]"
            switch subquery.kind {
            case .scalar: return "(SUBQUERY\(suffix))"
            case .exists(let negated): return "(\(negated ? "NOT " : "")EXISTS SUBQUERY\(suffix))"
            case .inSubquery(let operand, let negated):
                return "(\(inner(operand)) \(negated ? "NOT " : "")IN SUBQUERY\(suffix))"
            }
        }
    }

    private static func literal(_ value: Value, type: DataType) -> String {
        switch value {
        case .null: return "NULL"
        case .integer, .double, .boolean: return value.description
        default:
            let quoted = "'" + value.description.replacingOccurrences(of: "'", with: "''") + "'"
            return type == .varchar ? quoted : "\(type.sqlName) \(quoted)"
        }
    }
}
