// Binding of operators, function calls and the SQL constructs the binder rewrites into
// simpler ones: BETWEEN into comparisons, simple CASE into searched CASE, NULLIF into CASE.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    func bindUnary(_ op: UnaryOperator, _ operand: Expression, position: SourcePosition) throws -> BoundExpression {
        switch op {
        case .not:
            return .not(try requireBoolean(try bind(operand), source: operand, construct: "NOT"))
        case .plus:
            return try bind(operand)
        case .minus:
            // Negate integer literals here so that -2147483648 is an INTEGER, as in PostgreSQL.
            if case .literal(.integer(let number)) = operand.kind, number != Int64.min {
                return .constant(.integer(-number), type: Int32(exactly: -number) != nil ? .integer : .bigint)
            }
            return try applyFunction("negate", [try bind(operand)], position: position)
        }
    }

    func bindBinary(_ op: BinaryOperator, _ left: Expression, _ right: Expression, position: SourcePosition) throws
        -> BoundExpression
    {
        switch op {
        case .and:
            let operands = [
                try bindCondition(left, clause: "AND"), try bindCondition(right, clause: "AND"),
            ]
            return .and(operands.flatMap(ExpressionRewriting.conjuncts))
        case .or:
            return .or([try bindCondition(left, clause: "OR"), try bindCondition(right, clause: "OR")])
        case .concat:
            // PostgreSQL resolves `unknown || anynonarray` as text concatenation, so an
            // untyped literal beside `||` stays text and the other side becomes text.
            return try applyFunction(op.rawValue, [try bind(left), try bind(right)], position: position)
        default:
            if let quantified = try bindQuantifiedComparison(op, left, right, position: position) { return quantified }
            let (boundLeft, boundRight) = try bindPair(left, right)
            return try applyFunction(op.rawValue, [boundLeft, boundRight], position: position)
        }
    }

    /// Binds two operands and gives an untyped literal on one side the other side's type.
    func bindPair(_ left: Expression, _ right: Expression) throws -> (BoundExpression, BoundExpression) {
        var boundLeft = try bind(left)
        var boundRight = try bind(right)
        let leftUntyped = TypeCoercion.isUntyped(left, parameters: session.parameters)
        let rightUntyped = TypeCoercion.isUntyped(right, parameters: session.parameters)
        if leftUntyped && !rightUntyped && boundRight.type != .null {
            boundLeft = try TypeCoercion.coerce(boundLeft, to: boundRight.type, position: left.position)
        } else if rightUntyped && !leftUntyped && boundLeft.type != .null {
            boundRight = try TypeCoercion.coerce(boundRight, to: boundLeft.type, position: right.position)
        }
        return (boundLeft, boundRight)
    }

    /// Binds two operands and converts both to their common type, for IS DISTINCT FROM.
    func bindComparable(_ left: Expression, _ right: Expression, context: String) throws
        -> (BoundExpression, BoundExpression)
    {
        let (boundLeft, boundRight) = try bindPair(left, right)
        let type = try TypeCoercion.commonType(
            [boundLeft.type, boundRight.type], untyped: [false, false], context: context, position: left.position)
        return (
            try TypeCoercion.coerce(boundLeft, to: type, position: left.position),
            try TypeCoercion.coerce(boundRight, to: type, position: right.position)
        )
    }

    /// Resolves a scalar function or operator and casts the arguments to the types it takes.
    func applyFunction(_ name: String, _ arguments: [BoundExpression], position: SourcePosition) throws
        -> BoundExpression
    {
        let resolved: (function: ScalarFunction, argumentTypes: [DataType])
        do {
            resolved = try ScalarFunctionRegistry.resolve(name: name, argumentTypes: arguments.map(\.type))
        } catch var error as TeleError {
            if error.position == nil { error.position = position }
            throw error
        }
        var converted: [BoundExpression] = []
        for (argument, type) in zip(arguments, resolved.argumentTypes) {
            converted.append(try TypeCoercion.coerce(argument, to: type, position: position))
        }
        return .function(resolved.function, arguments: converted)
    }

    func bindFunction(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression {
        var call = call
        // PostgreSQL's built-in functions live in pg_catalog, which is always searched first.
        if call.name.hasPrefix("pg_catalog.") { call.name.removeFirst("pg_catalog.".count) }
        if let catalog = try bindCatalogFunction(call, position: position) { return catalog }
        if call.name == "array_element", call.arguments.count == 2 { return try bindArrayElement(call, position: position) }
        if let sampling = try bindSamplingFunction(call, position: position) {
            return sampling
        }
        if AggregateFunctionRegistry.isAggregate(call.name) || call.name == "array_agg" {
            return try bindAggregate(call, position: position)
        }
        if !call.orderBy.isEmpty {
            throw TeleError(
                .wrongObjectType, "\(call.name) is not an aggregate function",
                hint: "Only aggregate functions take ORDER BY inside the call.", position: position)
        }
        if call.star || call.distinct || call.filter != nil {
            throw TeleError(
                .wrongObjectType, "\(call.name) is not an aggregate function",
                hint: "Only aggregate functions take *, DISTINCT or FILTER.", position: position)
        }
        if let percentiles = try bindPercentilesCall(call, position: position) { return percentiles }
        switch call.name {
        case "coalesce":
            return try bindCoalesce(call.arguments, position: position)
        case "nullif":
            guard call.arguments.count == 2 else { break }
            // NULLIF(a, b) is CASE WHEN a = b THEN NULL ELSE a END.
            let (left, right) = try bindPair(call.arguments[0], call.arguments[1])
            let equal = try applyFunction("=", [left, right], position: position)
            return .caseWhen(
                branches: [(condition: equal, result: .constant(.null, type: left.type))], elseResult: left,
                type: left.type)
        default:
            break
        }
        let arguments = try call.arguments.map { try bind($0) }
        return try applyFunction(call.name, arguments, position: position)
    }

    private func bindCoalesce(_ arguments: [Expression], position: SourcePosition) throws -> BoundExpression {
        guard !arguments.isEmpty else {
            throw TeleError.syntax("coalesce needs at least one argument", at: position, hint: "Write coalesce(x, default).")
        }
        let bound = try arguments.map { try bind($0) }
        let type = try TypeCoercion.commonType(
            bound.map(\.type), untyped: arguments.map { TypeCoercion.isUntyped($0, parameters: session.parameters) },
            context: "COALESCE", position: position)
        return .coalesce(try bound.map { try TypeCoercion.coerce($0, to: type, position: position) }, type: type)
    }

    private func bindAggregate(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression {
        guard let collector = aggregates else {
            throw TeleError(
                .groupingError, "aggregate functions are not allowed in \(clause)",
                hint: "Move the condition on an aggregate into HAVING, or compute it in a subquery.", position: position)
        }
        if collector.insideAggregate {
            throw TeleError(
                .groupingError, "aggregate function calls cannot be nested",
                hint: "Compute the inner aggregate in a subquery.", position: position)
        }
        collector.insideAggregate = true
        defer { collector.insideAggregate = false }

        let filter = try call.filter.map { try bindCondition($0, clause: "FILTER") }
        let arguments: [BoundExpression]
        let function: AggregateFunction
        if let ordered = try bindOrderedAggregate(call, position: position) {
            (function, arguments) = ordered
        } else if let special = try bindSpecialAggregate(call, position: position) {
            (function, arguments) = special
        } else {
            arguments = call.star ? [] : try call.arguments.map { try bind($0) }
            function = try withPosition(position) {
                try AggregateFunctionRegistry.resolve(name: call.name, argumentTypes: arguments.map(\.type), distinct: call.distinct)
            }
        }
        var converted: [BoundExpression] = []
        for (argument, type) in zip(arguments, function.argumentTypes) {
            converted.append(try TypeCoercion.coerce(argument, to: type, position: position))
        }
        let aggregate = BoundAggregate(function: function, arguments: converted, distinct: call.distinct, filter: filter)
        return collector.add(aggregate)
    }

    func bindCase(
        operand: Expression?, branches: [(condition: Expression, result: Expression)], elseResult: Expression?,
        position: SourcePosition
    ) throws -> BoundExpression {
        var conditions: [BoundExpression] = []
        for branch in branches {
            if let operand {
                // Simple CASE: `CASE x WHEN v THEN ...` tests `x = v`.
                let (left, right) = try bindPair(operand, branch.condition)
                conditions.append(try applyFunction("=", [left, right], position: branch.condition.position))
            } else {
                conditions.append(try bindCondition(branch.condition, clause: "CASE/WHEN"))
            }
        }
        let resultSources = branches.map(\.result) + (elseResult.map { [$0] } ?? [])
        let results = try resultSources.map { try bind($0) }
        let type = try TypeCoercion.commonType(
            results.map(\.type), untyped: resultSources.map { TypeCoercion.isUntyped($0, parameters: session.parameters) },
            context: "CASE", position: position)
        let converted = try results.map { try TypeCoercion.coerce($0, to: type, position: position) }
        let boundBranches = zip(conditions, converted).map { (condition: $0.0, result: $0.1) }
        let boundElse = elseResult == nil ? BoundExpression.constant(.null, type: type) : converted[converted.count - 1]
        return .caseWhen(branches: boundBranches, elseResult: boundElse, type: type)
    }

    /// `x BETWEEN a AND b` becomes `x >= a AND x <= b`; NOT BETWEEN becomes `x < a OR x > b`.
    func bindBetween(_ operand: Expression, _ low: Expression, _ high: Expression, negated: Bool, position: SourcePosition)
        throws -> BoundExpression
    {
        let (lowLeft, lowRight) = try bindPair(operand, low)
        let (highLeft, highRight) = try bindPair(operand, high)
        if negated {
            return .or([
                try applyFunction("<", [lowLeft, lowRight], position: position),
                try applyFunction(">", [highLeft, highRight], position: position),
            ])
        }
        return .and([
            try applyFunction(">=", [lowLeft, lowRight], position: position),
            try applyFunction("<=", [highLeft, highRight], position: position),
        ])
    }

    func bindInList(_ operand: Expression, _ list: [Expression], negated: Bool, position: SourcePosition) throws
        -> BoundExpression
    {
        let sources = [operand] + list
        let bound = try sources.map { try bind($0) }
        let type = try TypeCoercion.commonType(
            bound.map(\.type), untyped: sources.map { TypeCoercion.isUntyped($0, parameters: session.parameters) },
            context: "IN", position: position)
        let converted = try bound.map { try TypeCoercion.coerce($0, to: type, position: position) }
        return .inList(converted[0], list: Array(converted.dropFirst()), negated: negated)
    }

    func bindLike(
        _ operand: Expression, _ pattern: Expression, caseInsensitive: Bool, negated: Bool, escape: Expression?
    ) throws -> BoundExpression {
        let boundOperand = try TypeCoercion.coerce(try bind(operand), to: .varchar, position: operand.position)
        let boundPattern = try TypeCoercion.coerce(try bind(pattern), to: .varchar, position: pattern.position)
        guard boundOperand.type == .varchar || boundOperand.type == .null else {
            throw TeleError(
                .undefinedFunction, "operator does not exist: \(boundOperand.type.sqlName.lowercased()) ~~ text",
                hint: "Cast the operand to text for LIKE.", position: operand.position)
        }
        var escapeByte: UInt8? = UInt8(ascii: "\\")
        if let escape {
            guard case .constant(.string(let text), _) = try bind(escape), text.utf8.count <= 1 else {
                throw TeleError(
                    .invalidParameterValue, "invalid escape string",
                    hint: "Escape string must be empty or one character.", position: escape.position)
            }
            escapeByte = text.utf8.first
        }
        return .like(
            boundOperand, pattern: boundPattern, caseInsensitive: caseInsensitive, negated: negated, escape: escapeByte)
    }

    func withPosition<T>(_ position: SourcePosition, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as TeleError {
            if error.position == nil { error.position = position }
            throw error
        }
    }
}
