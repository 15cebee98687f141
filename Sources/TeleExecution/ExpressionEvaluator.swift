// Evaluates bound expressions over a DataChunk, one vector per expression node.
//
// Each node evaluates its children over the whole chunk and then runs one kernel. CASE is
// the exception: its conditions and results run only on the rows that reach them, so a
// guard such as `CASE WHEN x = 0 THEN 0 ELSE 1 / x END` never divides by zero.

import TeleCore

public enum ExpressionEvaluator {
    /// Evaluates `expression` over all rows of `chunk`; the result has `chunk.count` rows.
    ///
    /// - Throws: `TeleError` for data errors such as division by zero or overflow.
    public static func evaluate(_ expression: BoundExpression, on chunk: DataChunk) throws -> Vector {
        return try evaluate(expression, chunk)
    }

    /// Evaluates a predicate and returns the selected row indices in ascending order; rows
    /// where the predicate is NULL or false are dropped.
    public static func select(_ predicate: BoundExpression, on chunk: DataChunk) throws -> [Int32] {
        return try select(predicate, chunk)
    }

    /// Evaluates an expression with no column references (constant folding, LIMIT values).
    public static func evaluateConstant(_ expression: BoundExpression) throws -> Value {
        let chunk = DataChunk(columns: [], count: 1)
        return try evaluate(expression, on: chunk).value(at: 0)
    }

    static func select(_ predicate: BoundExpression, _ chunk: DataChunk) throws -> [Int32] {
        if case .and(let operands) = predicate, operands.count > 1 {
            return try selectConjunction(operands, chunk)
        }
        let result = try evaluate(predicate, chunk)
        return selection(of: result, count: chunk.count)
    }

    /// Selects the rows that pass every operand of an AND, one operand at a time. Once fewer
    /// than half the rows remain, later operands run only on those rows. Otherwise they run on
    /// the whole chunk and the selections are intersected, which avoids gathering most rows.
    static func selectConjunction(_ operands: [BoundExpression], _ chunk: DataChunk) throws -> [Int32] {
        var selection = try select(operands[0], chunk)
        for operand in operands.dropFirst() {
            if selection.isEmpty { return [] }
            if selection.count * 2 < chunk.count {
                let narrowed = try select(operand, chunk.selecting(selection))
                selection = narrowed.map { selection[Int($0)] }
            } else {
                selection = intersect(selection, try select(operand, chunk))
            }
        }
        return selection
    }

    /// Returns the rows present in both ascending selections.
    static func intersect(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(min(a.count, b.count))
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                result.append(a[i])
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }

    /// Returns the rows where a boolean vector is true (not NULL, not false).
    static func selection(of vector: Vector, count: Int) -> [Int32] {
        switch vector.storage {
        case .constant(.boolean(true)): return (0..<Int32(count)).map { $0 }
        case .constant: return []
        case .bool(let values):
            let validity = vector.validity
            return values.withUnsafeBufferPointer { flags in
                [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
                    var selected = 0
                    if validity.allValid {
                        // Branch-free: always write, advance only when the row passes.
                        for row in 0..<count {
                            buffer[selected] = Int32(truncatingIfNeeded: row)
                            selected &+= Int(flags[row] & 1)
                        }
                    } else {
                        for row in 0..<count {
                            buffer[selected] = Int32(truncatingIfNeeded: row)
                            selected &+= Int(flags[row] & 1) & (validity.isValid(row) ? 1 : 0)
                        }
                    }
                    initialized = selected
                }
            }
        default:
            preconditionFailure("a predicate evaluates to a boolean vector")
        }
    }

    static func evaluate(_ expression: BoundExpression, _ chunk: DataChunk) throws -> Vector {
        let count = chunk.count
        switch expression {
        case .column(let index, _):
            return chunk.columns[index]
        case .constant(let value, let type):
            return Vector.constant(normalize(value, to: type), type: type, count: count)
        case .outerReference(let slot, _):
            throw TeleError.internalError("outer reference $\(slot) reached the evaluator unsubstituted")
        case .cast(let inner, let type):
            return try Cast.cast(try evaluate(inner, chunk), to: type)
        case .function(let function, let arguments):
            let vectors = try arguments.map { try evaluate($0, chunk) }
            let result = try function.kernel(vectors, count)
            precondition(result.count == count, "function \(function.name) returned \(result.count) rows for \(count)")
            return result
        case .and(let operands):
            return try combineLogical(operands.map { try evaluate($0, chunk) }, isAnd: true, count: count)
        case .or(let operands):
            return try combineLogical(operands.map { try evaluate($0, chunk) }, isAnd: false, count: count)
        case .not(let inner):
            return logicalNot(try evaluate(inner, chunk), count: count)
        case .isNull(let inner, let negated):
            let vector = try evaluate(inner, chunk)
            let flags = (0..<count).map { bit(vector.isNull($0) != negated) }
            return Vector.bool(flags)
        case .isDistinctFrom(let lhs, let rhs, let negated):
            return isDistinct(try evaluate(lhs, chunk), try evaluate(rhs, chunk), negated: negated, count: count)
        case .caseWhen(let branches, let elseResult, let type):
            return try evaluateCase(branches, elseResult, type, chunk)
        case .inList(let operand, let list, let negated):
            let value = try evaluate(operand, chunk)
            if list.count > 8, let hashed = inConstantList(value, list, negated: negated, count: count) { return hashed }
            let matches = try list.map { compareVectors(.equal, [value, try evaluate($0, chunk)], count: count) }
            let any = try combineLogical(matches, isAnd: false, count: count)
            return negated ? logicalNot(any, count: count) : any
        case .like(let input, let pattern, let caseInsensitive, let negated, let escape):
            return try likeMatch(
                try evaluate(input, chunk), pattern: try evaluate(pattern, chunk),
                caseInsensitive: caseInsensitive, negated: negated, escape: escape, count: count)
        case .coalesce(let operands, let type):
            return try evaluateCoalesce(operands, type, chunk)
        case .subquery(let subquery):
            return try evaluateSubquery(subquery, chunk)
        }
    }

    /// Evaluates `value IN (constants)` with a hash set when every element is a constant of an
    /// integer-like type. Returns nil when that path does not apply.
    static func inConstantList(_ value: Vector, _ list: [BoundExpression], negated: Bool, count: Int) -> Vector? {
        guard value.type.physical == .int64 else { return nil }
        var members = Set<Int64>()
        var hasNull = false
        for element in list {
            guard case .constant(let constant, let type) = element, type.physical == .int64 else { return nil }
            switch normalize(constant, to: type) {
            case .null: hasNull = true
            case .integer(let number), .date(let number), .timestamp(let number): members.insert(number)
            default: return nil
            }
        }
        guard let found = mapUnary(value.int64Operand, count: count, { bit(members.contains($0)) }) else {
            return nullVector(.boolean, count: count)
        }
        // A row that matches nothing is NULL when the list has a NULL, as SQL's IN requires.
        var validity = value.kernelValidity
        var flags = found
        for row in 0..<count {
            if hasNull && found[row] == 0 { validity.set(row, valid: false, count: count) }
            flags[row] = found[row] ^ bit(negated)
        }
        return Vector(type: .boolean, storage: .bool(flags), validity: validity, count: count)
    }

    /// Converts a constant to the representation vectors of `type` use.
    static func normalize(_ value: Value, to type: DataType) -> Value {
        switch (value, type) {
        case (.integer(let number), .real), (.integer(let number), .double): return .double(Double(number))
        case (.integer(let days), .date): return .date(days)
        case (.integer(let micros), .timestamp): return .timestamp(micros)
        case (.date(let days), .timestamp): return .timestamp(days &* DateTime.microsPerDay)
        default: return value
        }
    }

    /// Returns the values and validity of a boolean vector, with constants expanded.
    static func booleanParts(_ vector: Vector, count: Int) -> (values: [UInt8], valid: [UInt8]) {
        switch vector.storage {
        case .constant(.boolean(let flag)):
            return ([UInt8](repeating: flag ? 1 : 0, count: count), [UInt8](repeating: 1, count: count))
        case .constant:
            return ([UInt8](repeating: 0, count: count), [UInt8](repeating: 0, count: count))
        case .bool(let values):
            let validity = vector.validity
            let valid = validity.allValid
                ? [UInt8](repeating: 1, count: count) : (0..<count).map { bit(validity.isValid($0)) }
            return (values, valid)
        default:
            preconditionFailure("a logical operand evaluates to a boolean vector")
        }
    }

    /// Three-valued AND or OR: AND is false if any operand is false, else NULL if any is NULL.
    static func combineLogical(_ operands: [Vector], isAnd: Bool, count: Int) throws -> Vector {
        if operands.count == 1 { return operands[0] }
        // decided[i]: some operand is false (AND) or true (OR); unknown[i]: some operand is NULL.
        var decided = [UInt8](repeating: 0, count: count)
        var unknown = [UInt8](repeating: 0, count: count)
        let decisive: UInt8 = isAnd ? 0 : 1
        for operand in operands {
            let (values, valid) = booleanParts(operand, count: count)
            for row in 0..<count {
                decided[row] |= valid[row] & bit(values[row] == decisive)
                unknown[row] |= valid[row] ^ 1
            }
        }
        var validity = ValidityMask()
        var values = [UInt8](repeating: 0, count: count)
        for row in 0..<count {
            values[row] = isAnd ? decided[row] ^ 1 : decided[row]
            if decided[row] == 0 && unknown[row] != 0 { validity.set(row, valid: false, count: count) }
        }
        return Vector(type: .boolean, storage: .bool(values), validity: validity, count: count)
    }

    static func logicalNot(_ vector: Vector, count: Int) -> Vector {
        switch vector.storage {
        case .constant(.boolean(let flag)): return Vector.constant(.boolean(!flag), type: .boolean, count: count)
        case .bool(let values):
            return Vector(type: .boolean, storage: .bool(values.map { $0 ^ 1 }), validity: vector.validity, count: count)
        default: return vector
        }
    }

    /// `a IS [NOT] DISTINCT FROM b`: never NULL; two NULLs are not distinct.
    static func isDistinct(_ lhs: Vector, _ rhs: Vector, negated: Bool, count: Int) -> Vector {
        let equal = compareVectors(.equal, [lhs, rhs], count: count)
        let flags = (0..<count).map { row -> UInt8 in
            let leftNull = lhs.isNull(row)
            let rightNull = rhs.isNull(row)
            let distinct: Bool
            if leftNull || rightNull {
                distinct = leftNull != rightNull
            } else {
                distinct = equal.value(at: row) != .boolean(true)
            }
            return bit(distinct != negated)
        }
        return Vector.bool(flags)
    }
}
