// Aggregate states for less common inputs: min and max over strings, booleans and
// intervals, interval sums, bool_and/bool_or, string_agg, and the moment aggregates avg,
// variance and stddev. Min and max here keep boxed values and compare strings bytewise.

import TeleCore

final class MinMaxValueState: AggregateState {
    enum Kind { case min, max, sum }
    let kind: Kind
    let type: DataType
    var values: [Value] = []

    init(kind: Kind, type: DataType) {
        self.kind = kind
        self.type = type
    }

    func resize(groupCount: Int) {
        if groupCount > values.count { values.append(contentsOf: repeatElement(.null, count: groupCount - values.count)) }
    }

    private func fold(_ group: Int, _ value: Value) {
        let current = values[group]
        if current.isNull {
            values[group] = value
            return
        }
        switch kind {
        case .min: if let order = ValueOrder.compare(value, current), order < 0 { values[group] = value }
        case .max: if let order = ValueOrder.compare(value, current), order > 0 { values[group] = value }
        case .sum:
            if case .interval(let a) = current, case .interval(let b) = value {
                values[group] = .interval(Interval(months: a.months &+ b.months, days: a.days &+ b.days, micros: a.micros &+ b.micros))
            }
        }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let input = arguments[0]
        if input.isNullConstant { return }
        if case .dictionary(let codes, let dictionary) = input.storage, kind != .sum {
            // Box each dictionary entry once instead of once per row.
            let entries = (0..<dictionary.count).map { Value.string(dictionary[$0]) }
            for row in 0..<count where input.validity.isValid(row) { fold(Int(groupIds[row]), entries[Int(codes[row])]) }
            return
        }
        for row in 0..<count where !input.isNull(row) { fold(Int(groupIds[row]), input.value(at: row)) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! MinMaxValueState
        for (group, target) in mapping.enumerated() where !other.values[group].isNull {
            fold(Int(target), other.values[group])
        }
    }

    func finalize() throws -> Vector {
        var builder = VectorAccumulator(type: type)
        for value in values { builder.append(value) }
        return builder.finish()
    }
}

final class BooleanState: AggregateState {
    let isAnd: Bool
    var values: [UInt8] = []
    var seen: [UInt8] = []

    init(isAnd: Bool) { self.isAnd = isAnd }

    func resize(groupCount: Int) {
        guard groupCount > values.count else { return }
        values.append(contentsOf: repeatElement(isAnd ? 1 : 0, count: groupCount - values.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let input = arguments[0]
        for row in 0..<count where !input.isNull(row) {
            let group = Int(groupIds[row])
            let value: UInt8
            switch input.storage {
            case .bool(let flags): value = flags[row]
            case .constant(.boolean(let flag)): value = flag ? 1 : 0
            default: continue
            }
            values[group] = isAnd ? values[group] & value : values[group] | value
            seen[group] = 1
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! BooleanState
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            let index = Int(target)
            values[index] = isAnd ? values[index] & other.values[group] : values[index] | other.values[group]
            seen[index] = 1
        }
    }

    func finalize() throws -> Vector {
        Vector(type: .boolean, storage: .bool(values), validity: maskFromSeen(seen), count: values.count)
    }
}

/// string_agg(value, separator): the non-NULL values in input order, each separator taken
/// from the row of the value that follows it, as in PostgreSQL.
final class StringAggState: AggregateState {
    var texts: [[UInt8]] = []
    var seen: [UInt8] = []

    func resize(groupCount: Int) {
        guard groupCount > texts.count else { return }
        texts.append(contentsOf: repeatElement([], count: groupCount - texts.count))
        seen.append(contentsOf: repeatElement(0, count: groupCount - seen.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let values = arguments[0]
        let separators = arguments[1]
        for row in 0..<count where !values.isNull(row) {
            let group = Int(groupIds[row])
            if seen[group] != 0, !separators.isNull(row) {
                texts[group].append(contentsOf: separators.value(at: row).stringValue.utf8)
            }
            texts[group].append(contentsOf: values.value(at: row).stringValue.utf8)
            seen[group] = 1
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        // NOTE: partial states carry no separator of their own, so a merged group joins the
        // parts with nothing between them. The single-threaded hash aggregate never combines.
        let other = other as! StringAggState
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            texts[Int(target)].append(contentsOf: other.texts[group])
            seen[Int(target)] = 1
        }
    }

    func finalize() throws -> Vector {
        var column = StringColumn()
        for text in texts { text.withUnsafeBufferPointer { column.append(bytes: $0) } }
        return Vector(type: .varchar, storage: .string(column), validity: maskFromSeen(seen), count: texts.count)
    }
}

/// Count, mean and sum of squared deviations per group (Welford's online algorithm).
final class MomentState: AggregateState {
    enum Kind { case mean, varianceSample, variancePopulation, stddevSample, stddevPopulation }
    let kind: Kind
    var counts: [Double] = []
    var means: [Double] = []
    var squares: [Double] = []

    init(kind: Kind) { self.kind = kind }

    func resize(groupCount: Int) {
        guard groupCount > counts.count else { return }
        let added = groupCount - counts.count
        counts.append(contentsOf: repeatElement(0, count: added))
        means.append(contentsOf: repeatElement(0, count: added))
        squares.append(contentsOf: repeatElement(0, count: added))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        counts.withUnsafeMutableBufferPointer { counts in
            means.withUnsafeMutableBufferPointer { means in
                squares.withUnsafeMutableBufferPointer { squares in
                    forEachValidRow(count: count, mask: mask) { row in
                        let group = Int(groupIds[row])
                        let value = input[row]
                        counts[group] += 1
                        let delta = value - means[group]
                        means[group] += delta / counts[group]
                        squares[group] += delta * (value - means[group])
                    }
                }
            }
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! MomentState
        for (group, target) in mapping.enumerated() where other.counts[group] > 0 {
            let index = Int(target)
            let total = counts[index] + other.counts[group]
            let delta = other.means[group] - means[index]
            squares[index] += other.squares[group] + delta * delta * counts[index] * other.counts[group] / total
            means[index] += delta * other.counts[group] / total
            counts[index] = total
        }
    }

    func finalize() throws -> Vector {
        var values = [Double](repeating: 0, count: counts.count)
        var seen = [UInt8](repeating: 0, count: counts.count)
        for group in counts.indices {
            let n = counts[group]
            switch kind {
            case .mean where n > 0: values[group] = means[group]
            case .variancePopulation where n > 0: values[group] = squares[group] / n
            case .stddevPopulation where n > 0: values[group] = (squares[group] / n).squareRoot()
            case .varianceSample where n > 1: values[group] = squares[group] / (n - 1)
            case .stddevSample where n > 1: values[group] = (squares[group] / (n - 1)).squareRoot()
            default: continue
            }
            seen[group] = 1
        }
        return Vector(type: .double, storage: .double(values), validity: maskFromSeen(seen), count: values.count)
    }
}
