// The state classes behind the aggregate functions: counts, sums, min and max for
// fixed-width types, boolean AND/OR, and moments (mean, variance, standard deviation) by
// Welford's method, combined with Chan et al.'s parallel formula.

import TeleCore

/// Returns the validity of a vector with constants expanded, or nil when every row is valid.
func validRows(_ vector: Vector, count: Int) -> ValidityMask? {
    let mask = vector.expandedValidity()
    return mask.allValid ? nil : mask
}

/// Calls `body` for each row below `count` that `mask` marks valid (every row when nil).
/// Two loops, so that the all-valid case has no per-row test.
@inline(__always)
func forEachValidRow(count: Int, mask: ValidityMask?, _ body: (Int) -> Void) {
    if let mask {
        for row in 0..<count where mask.isValid(row) { body(row) }
    } else {
        for row in 0..<count { body(row) }
    }
}

/// Returns the values of an int64 vector with constants expanded to `count` rows.
func expandedInt64(_ vector: Vector, count: Int) -> [Int64] {
    switch vector.int64Operand {
    case .flat(let values): return values
    case .constant(let value): return [Int64](repeating: value, count: count)
    case .null: return [Int64](repeating: 0, count: count)
    }
}

func expandedDouble(_ vector: Vector, count: Int) -> [Double] {
    switch vector.doubleOperand {
    case .flat(let values): return values
    case .constant(let value): return [Double](repeating: value, count: count)
    case .null: return [Double](repeating: 0, count: count)
    }
}

final class CountState: AggregateState {
    let countsRows: Bool
    var counts: [Int64] = []

    init(countsRows: Bool) { self.countsRows = countsRows }

    func resize(groupCount: Int) {
        if groupCount > counts.count { counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let mask = countsRows ? nil : validRows(arguments[0], count: count)
        if !countsRows && arguments[0].isNullConstant { return }
        counts.withUnsafeMutableBufferPointer { counts in
            forEachValidRow(count: count, mask: mask) { row in counts[Int(groupIds[row])] &+= 1 }
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! CountState
        for (group, target) in mapping.enumerated() { counts[Int(target)] &+= other.counts[group] }
    }

    func finalize() throws -> Vector { Vector.int64(counts) }
}

final class SumIntegerState: AggregateState {
    var sums: [Int64] = []
    var seen: [UInt8] = []

    func resize(groupCount: Int) {
        guard groupCount > sums.count else { return }
        sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let values = expandedInt64(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        var overflow = false
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                values.withUnsafeBufferPointer { values in
                    forEachValidRow(count: count, mask: mask) { row in
                        let group = Int(groupIds[row])
                        let (sum, failed) = sums[group].addingReportingOverflow(values[row])
                        sums[group] = sum
                        seen[group] = 1
                        overflow = overflow || failed
                    }
                }
            }
        }
        if overflow { throw outOfRangeError(.bigint) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! SumIntegerState
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            let (sum, failed) = sums[Int(target)].addingReportingOverflow(other.sums[group])
            if failed { throw outOfRangeError(.bigint) }
            sums[Int(target)] = sum
            seen[Int(target)] = 1
        }
    }

    func finalize() throws -> Vector {
        Vector(type: .bigint, storage: .int64(sums), validity: maskFromSeen(seen), count: sums.count)
    }
}

/// Builds a validity mask with a row valid where `seen` is non-zero.
func maskFromSeen(_ seen: [UInt8]) -> ValidityMask {
    if !seen.contains(0) { return ValidityMask() }
    var words = [UInt64](repeating: 0, count: (seen.count + 63) / 64)
    for (row, flag) in seen.enumerated() where flag != 0 { words[row >> 6] |= UInt64(1) << UInt64(row & 63) }
    return ValidityMask(words: words)
}

final class SumDoubleState: AggregateState {
    var sums: [Double] = []
    var seen: [UInt8] = []

    func resize(groupCount: Int) {
        guard groupCount > sums.count else { return }
        sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let values = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        sums.withUnsafeMutableBufferPointer { sums in
            seen.withUnsafeMutableBufferPointer { seen in
                values.withUnsafeBufferPointer { values in
                    forEachValidRow(count: count, mask: mask) { row in
                        let group = Int(groupIds[row])
                        sums[group] += values[row]
                        seen[group] = 1
                    }
                }
            }
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! SumDoubleState
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            sums[Int(target)] += other.sums[group]
            seen[Int(target)] = 1
        }
    }

    func finalize() throws -> Vector {
        Vector(type: .double, storage: .double(sums), validity: maskFromSeen(seen), count: sums.count)
    }
}

final class MinMaxInt64State: AggregateState {
    let type: DataType
    let wantMax: Bool
    var values: [Int64] = []
    var seen: [UInt8] = []

    init(type: DataType, wantMax: Bool) {
        self.type = type
        self.wantMax = wantMax
    }

    func resize(groupCount: Int) {
        guard groupCount > values.count else { return }
        values.append(contentsOf: repeatElement(wantMax ? Int64.min : Int64.max, count: groupCount - values.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedInt64(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        let wantMax = wantMax
        values.withUnsafeMutableBufferPointer { values in
            seen.withUnsafeMutableBufferPointer { seen in
                input.withUnsafeBufferPointer { input in
                    forEachValidRow(count: count, mask: mask) { row in
                        let group = Int(groupIds[row])
                        let value = input[row]
                        values[group] = wantMax ? max(values[group], value) : min(values[group], value)
                        seen[group] = 1
                    }
                }
            }
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! MinMaxInt64State
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            let index = Int(target)
            values[index] = wantMax ? max(values[index], other.values[group]) : min(values[index], other.values[group])
            seen[index] = 1
        }
    }

    func finalize() throws -> Vector {
        Vector(type: type, storage: .int64(values), validity: maskFromSeen(seen), count: values.count)
    }
}

final class MinMaxDoubleState: AggregateState {
    let type: DataType
    let wantMax: Bool
    var values: [Double] = []
    var seen: [UInt8] = []

    init(type: DataType, wantMax: Bool) {
        self.type = type
        self.wantMax = wantMax
    }

    func resize(groupCount: Int) {
        guard groupCount > values.count else { return }
        values.append(contentsOf: repeatElement(0, count: groupCount - values.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    private func fold(_ group: Int, _ value: Double) {
        if seen[group] == 0 {
            values[group] = value
            seen[group] = 1
            return
        }
        // PostgreSQL orders NaN above every number.
        let order = ValueOrder.compareDoubles(value, values[group])
        if wantMax ? order > 0 : order < 0 { values[group] = value }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        forEachValidRow(count: count, mask: mask) { row in fold(Int(groupIds[row]), input[row]) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! MinMaxDoubleState
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 { fold(Int(target), other.values[group]) }
    }

    func finalize() throws -> Vector {
        Vector(type: type, storage: .double(values), validity: maskFromSeen(seen), count: values.count)
    }
}
