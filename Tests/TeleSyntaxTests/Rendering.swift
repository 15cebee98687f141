// A compact, fully parenthesized rendering of parse trees, so that tests can state the
// expected tree as one readable line: `(a + (b * c))`, `f(DISTINCT x)`, `(x BETWEEN 1 AND 2)`.

import TeleCore
@testable import TeleSyntax

func render(_ expression: Expression) -> String {
    switch expression.kind {
    case .literal(let literal): return render(literal)
    case .column(let parts): return parts.joined(separator: ".")
    case .parameter(let number): return "$\(number)"
    case .unary(let op, let operand):
        return op == .not ? "(NOT \(render(operand)))" : "(\(op.rawValue)\(render(operand)))"
    case .binary(let op, let left, let right):
        return "(\(render(left)) \(op.rawValue) \(render(right)))"
    case .function(let call): return render(call)
    case .cast(let operand, let type): return "CAST(\(render(operand)) AS \(type))"
    case .caseWhen(let operand, let branches, let elseResult):
        var text = "CASE"
        if let operand { text += " " + render(operand) }
        for branch in branches { text += " WHEN \(render(branch.condition)) THEN \(render(branch.result))" }
        if let elseResult { text += " ELSE " + render(elseResult) }
        return text + " END"
    case .isNull(let operand, let negated):
        return "(\(render(operand)) IS \(negated ? "NOT " : "")NULL)"
    case .isDistinctFrom(let left, let right, let negated):
        return "(\(render(left)) IS \(negated ? "NOT " : "")DISTINCT FROM \(render(right)))"
    case .isTruth(let operand, let value, let negated):
        let word = value.map { $0 ? "TRUE" : "FALSE" } ?? "UNKNOWN"
        return "(\(render(operand)) IS \(negated ? "NOT " : "")\(word))"
    case .between(let operand, let low, let high, let negated):
        return "(\(render(operand)) \(negated ? "NOT " : "")BETWEEN \(render(low)) AND \(render(high)))"
    case .inList(let operand, let list, let negated):
        return "(\(render(operand)) \(negated ? "NOT " : "")IN (\(list.map(render).joined(separator: ", "))))"
    case .inSubquery(let operand, _, let negated):
        return "(\(render(operand)) \(negated ? "NOT " : "")IN (query))"
    case .like(let operand, let pattern, let caseInsensitive, let negated, let escape):
        var text = "(\(render(operand)) \(negated ? "NOT " : "")\(caseInsensitive ? "ILIKE" : "LIKE") \(render(pattern))"
        if let escape { text += " ESCAPE " + render(escape) }
        return text + ")"
    case .exists(_, let negated): return negated ? "NOT EXISTS(query)" : "EXISTS(query)"
    case .scalarSubquery: return "(query)"
    case .array(let elements): return "ARRAY[\(elements.map(render).joined(separator: ", "))]"
    case .interval(let text, let unit): return "INTERVAL '\(text)'" + (unit.map { " " + $0 } ?? "")
    case .extract(let field, let source): return "EXTRACT(\(field) FROM \(render(source)))"
    case .star: return "*"
    }
}

func render(_ literal: Literal) -> String {
    switch literal {
    case .null: return "NULL"
    case .boolean(let value): return value ? "TRUE" : "FALSE"
    case .integer(let value): return String(value)
    case .number(let text): return "#" + text
    case .string(let text): return "'" + text + "'"
    case .typed(let type, let text): return "\(type) '\(text)'"
    }
}

func render(_ call: FunctionCall) -> String {
    var text = call.name + "("
    if call.star { text += "*" }
    if call.distinct { text += "DISTINCT " }
    text += call.arguments.map(render).joined(separator: ", ") + ")"
    if !call.withinGroup.isEmpty {
        text += " WITHIN GROUP (ORDER BY \(call.withinGroup.map(render).joined(separator: ", ")))"
    }
    if let filter = call.filter { text += " FILTER (WHERE \(render(filter)))" }
    return text
}

func render(_ item: OrderItem) -> String {
    var text = render(item.expression) + (item.ascending ? "" : " DESC")
    if let nullsFirst = item.nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
    return text
}

/// Parses `sql` as one expression and renders it, or renders the error.
func renderExpression(_ sql: String) -> String {
    do {
        return render(try Parser.parseExpression(sql))
    } catch let error as TeleError {
        return "error \(error.state.code): \(error.message)"
    } catch {
        return "error \(error)"
    }
}

/// Parses `sql`, which must hold exactly one statement.
func parseOne(_ sql: String) throws -> Statement {
    let statements = try Parser.parse(sql)
    guard statements.count == 1 else {
        throw TeleError.internalError("expected one statement, got \(statements.count)")
    }
    return statements[0]
}

/// Parses `sql` as one SELECT statement.
func parseQuery(_ sql: String) throws -> SelectStatement {
    guard case .select(let query) = try parseOne(sql) else {
        throw TeleError.internalError("not a query: \(sql)")
    }
    return query
}

/// Parses `sql` and returns the SELECT core of a query without set operations.
func parseCore(_ sql: String) throws -> SelectCore {
    guard case .select(let core) = try parseQuery(sql).body else {
        throw TeleError.internalError("not a plain SELECT: \(sql)")
    }
    return core
}

/// Returns the error that parsing `sql` throws, or nil when it parses.
func parseError(_ sql: String) -> TeleError? {
    do {
        _ = try Parser.parse(sql)
        return nil
    } catch let error as TeleError {
        return error
    } catch {
        return TeleError.internalError("unexpected error type: \(error)")
    }
}
