// `SELECT ... WITH ERROR`: for each select item that estimates a count, sum or mean from a
// sample, adds the bounds of its 95% confidence interval as two columns, `<name>_low` and
// `<name>_high`, equal to the estimate minus and plus 1.96 standard errors.
//
// Recognized items, with the standard error used:
//
//     count(*) * sample_factor()   count_error()
//     sum(x) * sample_factor()     sum_error(x)
//     count(*)                     count_error() / sample_factor()
//     sum(x)                       sum_error(x) / sample_factor()
//     avg(x)                       avg_error(x)
//
// Other items get no bounds. The rewrite runs on the syntax tree before binding, so the
// error aggregates bind like any other call.

import TeleCore
import TeleSyntax

enum WithErrorRewrite {
    /// The normal quantile for a two-sided 95% interval.
    static let z95 = "1.96"

    static func apply(_ query: SelectStatement) throws -> SelectStatement {
        guard query.withError else { return query }
        guard case .select(var core) = query.body else {
            throw TeleError(
                .featureNotSupported, "WITH ERROR applies to a single SELECT",
                hint: "Put the set operation or VALUES in a subquery and add WITH ERROR to the outer SELECT.")
        }
        var added: [SelectItem] = []
        for item in core.items {
            guard case .expression(let expression, let alias) = item, let error = standardError(expression) else { continue }
            let name = alias ?? BindContext.derivedName(expression)
            let at = expression.position
            let margin = Expression(.binary(op: .multiply, left: Expression(.literal(.number(z95)), at: at), right: error), at: at)
            added.append(.expression(Expression(.binary(op: .subtract, left: expression, right: margin), at: at), alias: name + "_low"))
            added.append(.expression(Expression(.binary(op: .add, left: expression, right: margin), at: at), alias: name + "_high"))
        }
        guard !added.isEmpty else {
            throw TeleError(
                .featureNotSupported, "WITH ERROR found no count(*), sum or avg in the select list",
                hint: "Select count(*) * sample_factor(), sum(x) * sample_factor() or avg(x) from a sampled table.")
        }
        core.items += added
        var rewritten = query
        rewritten.body = .select(core)
        rewritten.withError = false
        return rewritten
    }

    /// Returns the standard error expression of a recognized estimate, or nil.
    private static func standardError(_ expression: Expression) -> Expression? {
        let at = expression.position
        if case .binary(.multiply, let left, let right) = expression.kind {
            if isSampleFactor(right) { return errorCall(left, at: at) }
            if isSampleFactor(left) { return errorCall(right, at: at) }
            return nil
        }
        guard case .function(let call) = expression.kind else { return nil }
        if call.name == "avg" {
            return errorCall(expression, at: at)
        }
        guard let error = errorCall(expression, at: at) else { return nil }
        let factor = Expression(.function(FunctionCall(name: "sample_factor", arguments: [])), at: at)
        return Expression(.binary(op: .divide, left: error, right: factor), at: at)
    }

    /// Maps `count(*)`, `sum(x)` and `avg(x)` to their error aggregates.
    private static func errorCall(_ expression: Expression, at: SourcePosition) -> Expression? {
        guard case .function(let call) = expression.kind, !call.distinct, call.filter == nil, call.withinGroup.isEmpty
        else { return nil }
        switch call.name {
        case "count" where call.star || call.arguments.isEmpty:
            return Expression(.function(FunctionCall(name: "count_error", arguments: [])), at: at)
        case "sum" where call.arguments.count == 1, "avg" where call.arguments.count == 1:
            return Expression(.function(FunctionCall(name: call.name + "_error", arguments: call.arguments)), at: at)
        default:
            return nil
        }
    }

    private static func isSampleFactor(_ expression: Expression) -> Bool {
        guard case .function(let call) = expression.kind else { return false }
        return call.name == "sample_factor" && call.arguments.isEmpty
    }
}
