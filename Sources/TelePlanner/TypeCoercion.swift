// Implicit conversions at bind time: string literals that take the type of the other
// operand, the common type of CASE/COALESCE/IN/UNION, and casts folded into constants.

import TeleCore
import TeleExecution
import TeleSyntax

enum TypeCoercion {
    /// Numeric types in PostgreSQL's promotion order.
    private static let numericRank: [DataType: Int] = [.smallint: 0, .integer: 1, .bigint: 2, .real: 3, .double: 4]

    /// The type several expressions convert to, following PostgreSQL's UNION/CASE rules:
    /// NULL and untyped string literals take the other types, numbers widen, DATE widens to
    /// TIMESTAMP, and anything else must already agree.
    ///
    /// - Parameter context: the construct for the error message, such as `CASE` or `UNION`.
    /// - Throws: 42804 naming both types when no common type exists.
    static func commonType(
        _ types: [DataType], untyped: [Bool], context: String, position: SourcePosition?
    ) throws -> DataType {
        var result: DataType?
        for (type, isUntyped) in zip(types, untyped) where type != .null && !isUntyped {
            guard let current = result else {
                result = type
                continue
            }
            result = try widen(current, type, context: context, position: position)
        }
        if let result { return result }
        // Only NULLs and string literals: text, as in PostgreSQL.
        return zip(types, untyped).contains { $0.0 != .null || $0.1 } ? .varchar : .null
    }

    private static func widen(_ a: DataType, _ b: DataType, context: String, position: SourcePosition?) throws
        -> DataType
    {
        if a == b { return a }
        if let rankA = numericRank[a], let rankB = numericRank[b] { return rankA >= rankB ? a : b }
        if a.isTemporal && b.isTemporal { return .timestamp }
        throw TeleError(
            .datatypeMismatch, "\(context) types \(a.sqlName.lowercased()) and \(b.sqlName.lowercased()) cannot be matched",
            hint: "Add an explicit CAST so that every branch has the same type.", position: position)
    }

    /// Converts `expression` to `type`: constants are converted now, other expressions get a cast.
    static func coerce(_ expression: BoundExpression, to type: DataType, position: SourcePosition?) throws
        -> BoundExpression
    {
        if expression.type == type || type == .null { return expression }
        if case .constant(let value, _) = expression {
            if value.isNull { return .constant(.null, type: type) }
            return .constant(try foldCast(value, from: expression.type, to: type, position: position), type: type)
        }
        return .cast(expression, to: type)
    }

    /// Runs a cast on a constant at bind time, so `date_col > '2024-01-01'` compares with a DATE.
    static func foldCast(_ value: Value, from: DataType, to type: DataType, position: SourcePosition?) throws -> Value {
        do {
            return try ExpressionEvaluator.evaluateConstant(.cast(.constant(value, type: from), to: type))
        } catch var error as TeleError {
            if error.position == nil { error.position = position }
            throw error
        }
    }

    /// Returns whether an AST node takes its type from its context: a string literal, NULL,
    /// or a text parameter.
    static func isUntyped(_ expression: Expression, parameters: [Value]) -> Bool {
        switch expression.kind {
        case .literal(.string), .literal(.null): return true
        case .parameter(let number):
            guard number >= 1, number <= parameters.count else { return false }
            if case .string = parameters[number - 1] { return true }
            return parameters[number - 1].isNull
        default: return false
        }
    }

    /// PostgreSQL's assignment cast: implicit casts, plus numeric narrowing and anything to
    /// or from text.
    static func isAssignable(from source: DataType, to target: DataType) -> Bool {
        if source == target || source == .null { return true }
        if Cast.isImplicit(from: source, to: target) { return true }
        if source.isNumeric && target.isNumeric { return true }
        if target == .varchar { return Cast.canCast(from: source, to: target) }
        if source == .timestamp && target == .date { return true }
        return false
    }
}
