// Filter matching for materialized view rewrites. A view defined with a WHERE clause can
// read a query when every conjunct of the view's filter is also a conjunct of the query's
// filter. The query's other conjuncts must then refer to dimensions only.
//
// Conjuncts are compared by a canonical text that ignores source positions and the case of
// keywords, and covers columns, literals, operators, IN lists, IS NULL, BETWEEN, casts,
// EXTRACT and scalar function calls. A conjunct of any other form never matches, so the
// rewrite is skipped. View dimensions that are expressions are matched by the same text.

import TeleCore
import TeleExecution
import TeleSyntax

enum ConjunctText {
    /// Splits `a AND b AND c` into its conjuncts.
    static func conjuncts(_ expression: Expression) -> [Expression] {
        if case .binary(.and, let left, let right) = expression.kind {
            return conjuncts(left) + conjuncts(right)
        }
        return [expression]
    }

    /// Returns a position-free text of `expression`, or nil for forms it does not cover.
    ///
    /// - Parameter qualifier: a table name or alias dropped from qualified column names.
    static func canonical(_ expression: Expression, qualifier: String?) -> String? {
        switch expression.kind {
        case .column(let parts):
            if parts.count == 2, parts[0] == qualifier { return "col:" + parts[1] }
            return parts.count == 1 ? "col:" + parts[0] : nil
        case .literal(let literal):
            return "lit:\(literal)"
        case .unary(let op, let operand):
            return canonical(operand, qualifier: qualifier).map { "(\(op.rawValue) \($0))" }
        case .binary(let op, let left, let right):
            guard let left = canonical(left, qualifier: qualifier), let right = canonical(right, qualifier: qualifier)
            else { return nil }
            return "(\(left) \(op.rawValue) \(right))"
        case .isNull(let operand, let negated):
            return canonical(operand, qualifier: qualifier).map { "(\($0) IS \(negated ? "NOT " : "")NULL)" }
        case .between(let operand, let low, let high, let negated):
            guard let operand = canonical(operand, qualifier: qualifier), let low = canonical(low, qualifier: qualifier),
                let high = canonical(high, qualifier: qualifier)
            else { return nil }
            return "(\(operand) \(negated ? "NOT " : "")BETWEEN \(low) AND \(high))"
        case .inList(let operand, let list, let negated):
            guard let operand = canonical(operand, qualifier: qualifier) else { return nil }
            var items: [String] = []
            for item in list {
                guard let text = canonical(item, qualifier: qualifier) else { return nil }
                items.append(text)
            }
            return "(\(operand) \(negated ? "NOT " : "")IN [\(items.joined(separator: ", "))])"
        case .cast(let operand, let type):
            return canonical(operand, qualifier: qualifier).map { "cast(\($0) AS \(type.name))" }
        case .extract(let field, let source):
            return canonical(source, qualifier: qualifier).map { "extract(\(field.lowercased()) FROM \($0))" }
        case .function(let call):
            // Aggregates and calls with modifiers never stand for one value per row.
            guard !call.star, !call.distinct, call.filter == nil, call.withinGroup.isEmpty,
                !MaterializedViewShape.mergeableAggregates.contains(call.name),
                !AggregateFunctionRegistry.isAggregate(call.name)
            else { return nil }
            var arguments: [String] = []
            for argument in call.arguments {
                guard let text = canonical(argument, qualifier: qualifier) else { return nil }
                arguments.append(text)
            }
            return "fn:\(call.name)(\(arguments.joined(separator: ", ")))"
        default:
            return nil
        }
    }
}
