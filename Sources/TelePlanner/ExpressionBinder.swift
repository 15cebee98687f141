// Binds AST expressions to `BoundExpression`s: resolves names through the scope, types
// literals, resolves operators and functions through the registries and inserts the casts
// they require.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds one expression in this context's scope.
    ///
    /// - Throws: `TeleError` for unknown names (42703, 42P01), type errors (42804, 42883),
    ///   misplaced aggregates (42803) and nesting beyond `BindSession.maximumDepth` (54001).
    func bind(_ expression: Expression) throws -> BoundExpression {
        try session.descend(at: expression.position) { try bindNode(expression) }
    }

    /// Binds a condition (WHERE, ON, HAVING, CASE WHEN) and checks that it is BOOLEAN.
    func bindCondition(_ expression: Expression, clause: String) throws -> BoundExpression {
        try requireBoolean(try bind(expression), source: expression, construct: clause)
    }

    private func bindNode(_ expression: Expression) throws -> BoundExpression {
        let position = expression.position
        switch expression.kind {
        case .literal(let literal):
            return try bindLiteral(literal, position: position)
        case .column(let parts):
            return try bindColumn(parts, position: position)
        case .parameter(let number):
            guard number >= 1, number <= session.parameters.count else {
                throw TeleError(
                    SQLState("42P02"), "there is no parameter $\(number)",
                    hint: "Pass \(max(number, 1)) parameter values or renumber the placeholders.", position: position)
            }
            let value = session.parameters[number - 1]
            return .constant(value, type: parameterType(value))
        case .unary(let op, let operand):
            return try bindUnary(op, operand, position: position)
        case .binary(let op, let left, let right):
            return try bindBinary(op, left, right, position: position)
        case .function(let call):
            return try bindFunction(call, position: position)
        case .cast(let operand, let typeName):
            return try bindCast(operand, typeName: typeName)
        case .caseWhen(let operand, let branches, let elseResult):
            return try bindCase(operand: operand, branches: branches, elseResult: elseResult, position: position)
        case .isNull(let operand, let negated):
            return .isNull(try bind(operand), negated: negated)
        case .isDistinctFrom(let left, let right, let negated):
            let (boundLeft, boundRight) = try bindComparable(left, right, context: "IS DISTINCT FROM")
            return .isDistinctFrom(boundLeft, boundRight, negated: negated)
        case .isTruth(let operand, let value, let negated):
            let bound = try requireBoolean(try bind(operand), source: operand, construct: "IS TRUE")
            guard let value else { return .isNull(bound, negated: negated) }
            // `x IS TRUE` is `x IS NOT DISTINCT FROM TRUE`: NULL gives false, not NULL.
            return .isDistinctFrom(bound, .constant(.boolean(value), type: .boolean), negated: !negated)
        case .between(let operand, let low, let high, let negated):
            return try bindBetween(operand, low, high, negated: negated, position: position)
        case .inList(let operand, let list, let negated):
            return try bindInList(operand, list, negated: negated, position: position)
        case .inSubquery(let operand, let query, let negated):
            return try bindInSubquery(operand, query, negated: negated, position: position)
        case .like(let operand, let pattern, let caseInsensitive, let negated, let escape):
            return try bindLike(operand, pattern, caseInsensitive: caseInsensitive, negated: negated, escape: escape)
        case .exists(let query, let negated):
            return .subquery(try bindSubquery(query, kind: .exists(negated: negated), position: position))
        case .scalarSubquery(let query):
            return .subquery(try bindSubquery(query, kind: .scalar, position: position))
        case .array(let elements):
            return try bindArrayConstructor(elements, position: position)
        case .interval(let text, let unit):
            do {
                return .constant(.interval(try IntervalParser.parse(text, unit: unit)), type: .interval)
            } catch var error as TeleError {
                error.position = position
                throw error
            }
        case .extract(let field, let source):
            let call = FunctionCall(
                name: "date_part", arguments: [Expression(.literal(.string(field.lowercased())), at: position), source])
            return try bindFunction(call, position: position)
        case .star:
            throw TeleError.syntax(
                "\"*\" is only allowed in a select list or in count(*)", at: position,
                hint: "Name the columns you need.")
        }
    }

    private func parameterType(_ value: Value) -> DataType {
        if case .integer(let number) = value, Int32(exactly: number) != nil { return .integer }
        return value.naturalType
    }

    private func bindLiteral(_ literal: Literal, position: SourcePosition) throws -> BoundExpression {
        switch literal {
        case .null:
            return .constant(.null, type: .null)
        case .boolean(let flag):
            return .constant(.boolean(flag), type: .boolean)
        case .integer(let number):
            return .constant(.integer(number), type: Int32(exactly: number) != nil ? .integer : .bigint)
        case .number(let text):
            guard let number = Double(text) else {
                throw TeleError(
                    .invalidTextRepresentation, "invalid input syntax for type double: \"\(text)\"",
                    hint: "Write the number with digits, an optional fraction and an optional exponent.",
                    position: position)
            }
            guard number.isFinite else {
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                throw TeleError(
                    .numericValueOutOfRange, "numeric literal \(shown) is out of range for type double",
                    hint: "TeleDB has no arbitrary-precision NUMERIC; use a value within ±1.8e308.",
                    position: position)
            }
            return .constant(.double(number), type: .double)
        case .string(let text):
            return .constant(.string(text), type: .varchar)
        case .typed(let typeName, let text):
            let type = try resolveType(typeName)
            if type == .interval {
                return .constant(.interval(try IntervalParser.parse(text, unit: nil)), type: .interval)
            }
            return try TypeCoercion.coerce(.constant(.string(text), type: .varchar), to: type, position: position)
        }
    }

    func resolveType(_ typeName: TypeName) throws -> DataType {
        guard let type = DataType.named(typeName.name) ?? BindContext.catalogType(named: typeName.name) else {
            let known = DataType.allCases.filter { $0 != .null }.map { $0.sqlName.lowercased() }
            let hint = nearestName(to: typeName.name, among: known).map { "Perhaps you meant \"\($0)\"." }
                ?? "Use one of: \(known.joined(separator: ", "))."
            throw TeleError(
                .undefinedObject, "type \"\(typeName.name)\" does not exist", hint: hint, position: typeName.position)
        }
        return type
    }

    private func bindColumn(_ parts: [String], position: SourcePosition) throws -> BoundExpression {
        let name = parts[parts.count - 1]
        let table = parts.count >= 2 ? parts[parts.count - 2] : nil
        if let resolved = try resolveColumn(table: table, name: name, position: position) { return resolved }
        if let table, !knowsTable(table) {
            throw TeleError(
                .undefinedTable, "missing FROM-clause entry for table \"\(table)\"",
                hint: "Add \"\(table)\" to the FROM clause or use one of its aliases.", position: position)
        }
        let shown = parts.joined(separator: ".")
        let hint = nearestName(to: name, among: columnNamesInReach).map { "Perhaps you meant \"\($0)\"." }
        throw TeleError(.undefinedColumn, "column \"\(shown)\" does not exist", hint: hint, position: position)
    }

    private func bindCast(_ operand: Expression, typeName: TypeName) throws -> BoundExpression {
        if let catalogCast = try bindCatalogCast(operand, typeName: typeName) { return catalogCast }
        let type = try resolveType(typeName)
        let bound = try bind(operand)
        if bound.type == type { return bound }
        if type == .interval, case .constant(.string(let text), _) = bound {
            return .constant(.interval(try IntervalParser.parse(text, unit: nil)), type: .interval)
        }
        guard bound.type == .null || Cast.canCast(from: bound.type, to: type) else {
            throw TeleError(
                .cannotCoerce, "cannot cast type \(bound.type.sqlName.lowercased()) to \(type.sqlName.lowercased())",
                hint: "Convert the value through text or choose another target type.", position: operand.position)
        }
        return try TypeCoercion.coerce(bound, to: type, position: operand.position)
    }

    /// Checks that a bound expression is BOOLEAN, converting an untyped literal.
    func requireBoolean(_ bound: BoundExpression, source: Expression, construct: String) throws -> BoundExpression {
        if bound.type == .boolean { return bound }
        if bound.type == .null || TypeCoercion.isUntyped(source, parameters: session.parameters) {
            return try TypeCoercion.coerce(bound, to: .boolean, position: source.position)
        }
        throw TeleError(
            .datatypeMismatch, "argument of \(construct) must be type boolean, not type \(bound.type.sqlName.lowercased())",
            hint: "Compare the value with something, such as \"x <> 0\", to get a boolean.", position: source.position)
    }
}
