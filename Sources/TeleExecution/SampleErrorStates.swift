// The aggregates behind `count_error()`, `sum_error(x)` and `avg_error(x)`: the standard
// error of COUNT, SUM and AVG estimated from a sample.
//
// The sample is treated as Bernoulli sampling of units with inclusion probability p. A unit
// is one row for row sampling and one value of the BY column (one client) for
// `SAMPLE n PERCENT BY client_id`, which is cluster sampling. With c_u the rows and y_u the
// sum of x of unit u, the Horvitz-Thompson totals are C = sum(c_u)/p and Y = sum(y_u)/p, with
//
//     Var(Y) = (1 - p) / p^2 * sum(y_u^2)           (SUM, and COUNT with y_u = c_u)
//     Var(Y/C) = (1 - p) * sum((y_u - R c_u)^2) / sum(c_u)^2,  R = sum(y_u) / sum(c_u)
//
// the second by linearization of the ratio. The functions return the square roots, on the
// scale of `count(*) * sample_factor()`, `sum(x) * sample_factor()` and `avg(x)`.

import TeleCore

public enum SampleErrorKind: String, Sendable {
    case count, sum, avg
}

/// The running sums of one group: per-unit totals for cluster sampling, moments otherwise.
struct SampleMoments {
    var units: Double = 0
    var c: Double = 0
    var y: Double = 0
    var cc: Double = 0
    var yy: Double = 0
    var cy: Double = 0

    mutating func add(c unitRows: Double, y unitSum: Double) {
        units += 1
        c += unitRows
        y += unitSum
        cc += unitRows * unitRows
        yy += unitSum * unitSum
        cy += unitRows * unitSum
    }
}

/// Arguments: the value x (absent for COUNT), then the unit key as text when clustered.
final class SampleErrorState: AggregateState {
    let kind: SampleErrorKind
    let inclusionProbability: Double
    let clustered: Bool
    private var moments: [SampleMoments] = []
    /// Per group and unit key hash: (rows, sum of x). Used only when clustered.
    ///
    /// NOTE: units are keyed by a 64-bit hash of the key's bytes. Two clients that collide
    /// (about 3e-8 for a million clients) count as one cluster, which changes the error
    /// estimate negligibly.
    private var units: [[UInt64: (Double, Double)]] = []

    init(kind: SampleErrorKind, inclusionProbability: Double, clustered: Bool) {
        self.kind = kind
        self.inclusionProbability = inclusionProbability
        self.clustered = clustered
    }

    func resize(groupCount: Int) {
        if groupCount > moments.count {
            moments.append(contentsOf: repeatElement(SampleMoments(), count: groupCount - moments.count))
            if clustered { units.append(contentsOf: repeatElement([:], count: groupCount - units.count)) }
        }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let hasValue = kind != .count
        let values = hasValue ? expandedDouble(arguments[0], count: count) : []
        let valueMask = hasValue ? arguments[0].expandedValidity() : ValidityMask()
        let unitIndex = hasValue ? 1 : 0
        let keys = clustered ? Self.unitKeys(arguments[unitIndex], count: count) : []
        for row in 0..<count {
            if hasValue && !valueMask.isValid(row) { continue }
            let x = hasValue ? values[row] : 1
            let group = Int(groupIds[row])
            if clustered {
                let previous = units[group][keys[row]] ?? (0, 0)
                units[group][keys[row]] = (previous.0 + 1, previous.1 + x)
            } else {
                moments[group].add(c: 1, y: x)
            }
        }
    }

    /// Hashes each row's unit key (FNV-1a over the bytes, then SplitMix64's finalizer).
    /// NULL keys share one unit.
    static func unitKeys(_ vector: Vector, count: Int) -> [UInt64] {
        func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var value: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return RowSample.mix(value)
        }
        var keys = [UInt64](repeating: 0, count: count)
        switch vector.storage {
        case .string(let column):
            for row in 0..<count where vector.validity.isValid(row) {
                keys[row] = column.withBytes(row, hash)
            }
        case .dictionary(let codes, let dictionary):
            let perEntry = (0..<dictionary.count).map { dictionary.withBytes($0, hash) }
            for row in 0..<count where vector.validity.isValid(row) {
                keys[row] = perEntry[Int(codes[row])]
            }
        default:
            for row in 0..<count where !vector.isNull(row) {
                var text = vector.value(at: row).stringValue
                keys[row] = text.withUTF8(hash)
            }
        }
        return keys
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! SampleErrorState
        for (index, target) in mapping.enumerated() {
            let group = Int(target)
            if clustered {
                units[group].merge(other.units[index]) { ($0.0 + $1.0, $0.1 + $1.1) }
            } else {
                let source = other.moments[index]
                moments[group].units += source.units
                moments[group].c += source.c
                moments[group].y += source.y
                moments[group].cc += source.cc
                moments[group].yy += source.yy
                moments[group].cy += source.cy
            }
        }
    }

    func finalize() throws -> Vector {
        var results: [Double] = []
        var validity = ValidityMask()
        for group in moments.indices {
            var sums = moments[group]
            if clustered {
                for (_, unit) in units[group] { sums.add(c: unit.0, y: unit.1) }
            }
            if let error = standardError(sums) {
                results.append(error)
            } else {
                results.append(0)
                validity.set(group, valid: false, count: moments.count)
            }
        }
        return .double(results, validity: validity)
    }

    /// Returns the standard error for one group, or nil when the group has no rows.
    private func standardError(_ sums: SampleMoments) -> Double? {
        let p = inclusionProbability
        guard sums.c > 0, p > 0 else { return nil }
        switch kind {
        case .count:
            return ((1 - p) * sums.cc).squareRoot() / p
        case .sum:
            return ((1 - p) * sums.yy).squareRoot() / p
        case .avg:
            let ratio = sums.y / sums.c
            let residual = sums.yy - 2 * ratio * sums.cy + ratio * ratio * sums.cc
            return ((1 - p) * max(residual, 0)).squareRoot() / sums.c
        }
    }
}

extension AggregateFunction {
    /// Makes the aggregate that computes `count_error()`, `sum_error(x)` or `avg_error(x)`
    /// for a sample with inclusion probability `p`, clustered by a text unit key or not.
    public static func sampleError(kind: SampleErrorKind, inclusionProbability p: Double, clustered: Bool)
        -> AggregateFunction
    {
        var types: [DataType] = kind == .count ? [] : [.double]
        if clustered { types.append(.varchar) }
        return AggregateFunction(name: "\(kind.rawValue)_error", argumentTypes: types, returnType: .double) {
            SampleErrorState(kind: kind, inclusionProbability: p, clustered: clustered)
        }
    }
}
