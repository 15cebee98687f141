// Subqueries inside expressions. An uncorrelated subquery runs once per evaluator call; a
// correlated one runs once per distinct tuple of outer values in the chunk.

import TeleCore

/// The output of a subquery's plan, reduced to the part its kind needs.
enum SubqueryResult {
    case scalar(Value)
    case exists(Bool)
    /// The values of an IN subquery's column, and whether any of them is NULL.
    case values(Set<Value>, hasNull: Bool, isEmpty: Bool)
}

extension ExpressionEvaluator {
    static func evaluateSubquery(_ subquery: BoundSubquery, _ chunk: DataChunk) throws -> Vector {
        let count = chunk.count
        let outerVectors = try subquery.correlatedValues.map { try evaluate($0, chunk) }
        var cache: [[Value]: SubqueryResult] = [:]
        func result(forRow row: Int) throws -> SubqueryResult {
            let key = outerVectors.map { $0.value(at: row) }
            if let cached = cache[key] { return cached }
            let computed = try run(subquery, outerValues: key)
            cache[key] = computed
            return computed
        }

        switch subquery.kind {
        case .scalar:
            var builder = VectorAccumulator(type: subquery.type)
            for row in 0..<count {
                guard case .scalar(let value) = try result(forRow: row) else { continue }
                builder.append(ExpressionEvaluator.normalize(value, to: subquery.type))
            }
            return builder.finish()
        case .exists(let negated):
            var flags = [UInt8](repeating: 0, count: count)
            for row in 0..<count {
                guard case .exists(let found) = try result(forRow: row) else { continue }
                flags[row] = bit(found != negated)
            }
            return Vector.bool(flags)
        case .inSubquery(let operandExpression, let negated):
            // The operand is evaluated only when some row's subquery returned rows, so an
            // operand that fails to convert raises no error against an empty set.
            var results: [SubqueryResult] = []
            results.reserveCapacity(count)
            var anyRows = false
            for row in 0..<count {
                let result = try result(forRow: row)
                if case .values(_, _, false) = result { anyRows = true }
                results.append(result)
            }
            let operand = anyRows ? try evaluate(operandExpression, chunk) : nil
            var builder = VectorAccumulator(type: .boolean)
            for row in 0..<count {
                guard case .values(let values, let hasNull, let isEmpty) = results[row] else { continue }
                guard let operand, !isEmpty else {
                    builder.appendBool(negated)
                    continue
                }
                let value = operand.value(at: row)
                // IN is false over an empty set, else NULL when the operand or a member is NULL
                // and no member matches.
                if isEmpty {
                    builder.appendBool(negated)
                } else if value.isNull {
                    builder.appendNull()
                } else if values.contains(canonicalKey(value)) {
                    builder.appendBool(!negated)
                } else if hasNull {
                    builder.appendNull()
                } else {
                    builder.appendBool(negated)
                }
            }
            return builder.finish()
        }
    }

    /// Builds and runs the subquery's plan for one tuple of outer values.
    static func run(_ subquery: BoundSubquery, outerValues: [Value]) throws -> SubqueryResult {
        try Interruption.check()
        let plan = try subquery.makePlan(outerValues)
        switch subquery.kind {
        case .exists:
            return .exists(try plan.next() != nil)
        case .scalar:
            var found: Value? = nil
            while let chunk = try plan.next() {
                if found != nil || chunk.count > 1 {
                    throw TeleError(
                        .cardinalityViolation, "more than one row returned by a subquery used as an expression",
                        hint: "Add LIMIT 1 or an aggregate so that the subquery returns one row.")
                }
                found = chunk.columns.first?.value(at: 0) ?? .null
            }
            return .scalar(found ?? .null)
        case .inSubquery:
            var values = Set<Value>()
            var hasNull = false
            var isEmpty = true
            while let chunk = try plan.next() {
                guard let column = chunk.columns.first else { continue }
                isEmpty = false
                for row in 0..<chunk.count {
                    let value = column.value(at: row)
                    if value.isNull { hasNull = true } else { values.insert(canonicalKey(value)) }
                }
            }
            return .values(values, hasNull: hasNull, isEmpty: isEmpty)
        }
    }
}

/// Converts whole floats to integers so that numerically equal values hash alike.
func canonicalKey(_ value: Value) -> Value {
    if case .double(let number) = value, number == number.rounded(), abs(number) < 9e18 {
        return .integer(Int64(number))
    }
    return value
}
