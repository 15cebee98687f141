// avg() as a count and a sum per group, which is faster than a running mean because it
// divides once per group instead of once per row. For integer input it is also exact: the
// sum is kept in 128 bits, so it cannot overflow and does not depend on the order rows
// arrive in. A parallel aggregate therefore returns the same average as a serial one.
// Floating-point input is summed in doubles.

import TeleCore

final class AverageState: AggregateState {
    let integerInput: Bool
    var counts: [Int64] = []
    /// The low 64 bits of each integer sum. `highSums` contains the high 64 bits.
    var lowSums: [UInt64] = []
    var highSums: [Int64] = []
    var doubleSums: [Double] = []

    init(integerInput: Bool) { self.integerInput = integerInput }

    func resize(groupCount: Int) {
        guard groupCount > counts.count else { return }
        let added = groupCount - counts.count
        counts.append(contentsOf: repeatElement(0, count: added))
        if integerInput {
            lowSums.append(contentsOf: repeatElement(0, count: added))
            highSums.append(contentsOf: repeatElement(0, count: added))
        } else {
            doubleSums.append(contentsOf: repeatElement(0, count: added))
        }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let mask = validRows(arguments[0], count: count)
        if integerInput {
            updateIntegers(expandedInt64(arguments[0], count: count), mask, groupIds, count)
        } else {
            updateDoubles(expandedDouble(arguments[0], count: count), mask, groupIds, count)
        }
    }

    private func updateIntegers(_ values: [Int64], _ mask: ValidityMask?, _ groupIds: UnsafeBufferPointer<Int32>, _ count: Int) {
        counts.withUnsafeMutableBufferPointer { counts in
            lowSums.withUnsafeMutableBufferPointer { lows in
                highSums.withUnsafeMutableBufferPointer { highs in
                    values.withUnsafeBufferPointer { values in
                        forEachValidRow(count: count, mask: mask) { row in
                            let group = Int(groupIds[row])
                            counts[group] &+= 1
                            Self.add128(values[row], low: &lows[group], high: &highs[group])
                        }
                    }
                }
            }
        }
    }

    private func updateDoubles(_ values: [Double], _ mask: ValidityMask?, _ groupIds: UnsafeBufferPointer<Int32>, _ count: Int) {
        counts.withUnsafeMutableBufferPointer { counts in
            doubleSums.withUnsafeMutableBufferPointer { sums in
                values.withUnsafeBufferPointer { values in
                    forEachValidRow(count: count, mask: mask) { row in
                        let group = Int(groupIds[row])
                        counts[group] &+= 1
                        sums[group] += values[row]
                    }
                }
            }
        }
    }

    /// Adds a signed 64-bit value to a 128-bit sum held as a signed high and unsigned low word.
    @inline(__always)
    static func add128(_ value: Int64, low: inout UInt64, high: inout Int64) {
        let (sum, carry) = low.addingReportingOverflow(UInt64(bitPattern: value))
        low = sum
        // A negative value is its two's complement in 128 bits: all ones in the high word.
        high &+= (value < 0 ? -1 : 0) &+ (carry ? 1 : 0)
    }

    /// Returns the nearest double to a 128-bit sum.
    static func double(high: Int64, low: UInt64) -> Double {
        let signedLow = Int64(bitPattern: low)
        // Most sums fit in 64 bits, where the conversion rounds once.
        if (high == 0 && signedLow >= 0) || (high == -1 && signedLow < 0) { return Double(signedLow) }
        if high < 0 {
            let negatedLow = ~low &+ 1
            let negatedHigh = ~high &+ (negatedLow == 0 ? 1 : 0)
            return -(Double(UInt64(bitPattern: negatedHigh)) * 0x1p64 + Double(negatedLow))
        }
        return Double(high) * 0x1p64 + Double(low)
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! AverageState
        for (group, target) in mapping.enumerated() where other.counts[group] > 0 {
            let index = Int(target)
            counts[index] &+= other.counts[group]
            if integerInput {
                let (sum, carry) = lowSums[index].addingReportingOverflow(other.lowSums[group])
                lowSums[index] = sum
                highSums[index] &+= other.highSums[group] &+ (carry ? 1 : 0)
            } else {
                doubleSums[index] += other.doubleSums[group]
            }
        }
    }

    func finalize() throws -> Vector {
        var values = [Double](repeating: 0, count: counts.count)
        var seen = [UInt8](repeating: 0, count: counts.count)
        for group in counts.indices where counts[group] > 0 {
            let sum = integerInput ? Self.double(high: highSums[group], low: lowSums[group]) : doubleSums[group]
            values[group] = sum / Double(counts[group])
            seen[group] = 1
        }
        return Vector(type: .double, storage: .double(values), validity: maskFromSeen(seen), count: values.count)
    }
}
