// Mergeable, deterministic sketches: HyperLogLog for approx_count_distinct and a
// DDSketch-style log-bucket sketch for approx_percentile.
//
// Neither sketch draws random numbers. Hashes are fixed functions of the value (no per-process
// seed), so the same data gives the same estimate in every run, in any row order, and when
// partial states are combined.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deterministic 64-bit hashes of SQL values.
enum ValueHash {
    /// Mixes a value with the splitmix64 finalizer, a bijection that spreads every input bit over the output.
    @inline(__always)
    static func mix(_ input: UInt64) -> UInt64 {
        var z = input &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hashes bytes with FNV-1a, then mixes the result.
    static func hash(bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return mix(hash)
    }

    /// Hashes every row. NULL rows get a hash too, and callers skip them by the validity mask.
    static func hashes(_ vector: Vector, count: Int) -> [UInt64] {
        switch vector.type.physical {
        case .int64:
            return expandedInt64(vector, count: count).map { mix(UInt64(bitPattern: $0)) }
        case .double:
            // -0.0 and 0.0 are equal in SQL, so they hash alike.
            return expandedDouble(vector, count: count).map { mix(($0 == 0 ? 0.0 : $0).bitPattern) }
        default:
            return (0..<count).map { row in hash(bytes: vector.value(at: row).description.utf8) }
        }
    }
}

/// approx_count_distinct: HyperLogLog with 2^14 registers per group, a standard error of
/// about 1.04 / sqrt(16384) = 0.81% for large cardinalities, and linear counting below
/// about 49,000 distinct values.
///
/// A group starts sparse: it keeps its distinct hashes, and its count is exact, until it has
/// more than `sparseLimit` of them. Only then does it allocate its 16 KB of registers, so
/// GROUP BY over many small groups stays small. Both forms depend only on the set of hashes,
/// so the result does not depend on row order or on how partial states combine.
final class HyperLogLogState: AggregateState {
    static let precision = 14
    static let registerCount = 1 << precision
    static let sparseLimit = 1024

    /// The distinct hashes of each group that is still sparse.
    var sparse: [Set<UInt64>] = []
    /// The registers of each dense group (the maximum rank seen per register), empty while
    /// the group is sparse.
    var registers: [[UInt8]] = []

    func resize(groupCount: Int) {
        guard groupCount > sparse.count else { return }
        sparse.append(contentsOf: repeatElement([], count: groupCount - sparse.count))
        registers.append(contentsOf: repeatElement([], count: groupCount - registers.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let input = arguments[0]
        if input.isNullConstant { return }
        let hashes = ValueHash.hashes(input, count: count)
        let mask = validRows(input, count: count)
        forEachValidRow(count: count, mask: mask) { row in add(hashes[row], to: Int(groupIds[row])) }
    }

    private func add(_ hash: UInt64, to group: Int) {
        if registers[group].isEmpty {
            sparse[group].insert(hash)
            if sparse[group].count > Self.sparseLimit { densify(group) }
            return
        }
        let index = Int(hash >> UInt64(64 - Self.precision))
        // The rank is the position of the first 1 bit after the index bits. A sentinel bit
        // caps it at 64 - precision + 1.
        let rest = (hash << UInt64(Self.precision)) | (UInt64(1) << UInt64(Self.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        if rank > registers[group][index] { registers[group][index] = rank }
    }

    private func densify(_ group: Int) {
        registers[group] = [UInt8](repeating: 0, count: Self.registerCount)
        let hashes = sparse[group]
        sparse[group] = []
        for hash in hashes { add(hash, to: group) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! HyperLogLogState
        for (group, target) in mapping.enumerated() {
            let index = Int(target)
            for hash in other.sparse[group] { add(hash, to: index) }
            guard !other.registers[group].isEmpty else { continue }
            if registers[index].isEmpty { densify(index) }
            for register in 0..<Self.registerCount where other.registers[group][register] > registers[index][register] {
                registers[index][register] = other.registers[group][register]
            }
        }
    }

    func finalize() throws -> Vector {
        var estimates: [Int64] = []
        for group in sparse.indices {
            estimates.append(registers[group].isEmpty ? Int64(sparse[group].count) : estimate(registers[group]))
        }
        return Vector.int64(estimates)
    }

    private func estimate(_ registers: [UInt8]) -> Int64 {
        let m = Double(Self.registerCount)
        var inverseSum = 0.0
        var zeros = 0
        for rank in registers {
            inverseSum += 1 / Double(UInt64(1) << UInt64(rank))
            if rank == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / inverseSum
        // Linear counting is more accurate while registers are still empty. The raw estimate
        // is biased upward by a few percent up to about 5m, so linear counting is kept up to
        // 3m, where its own error is still about 1% (HyperLogLog++ uses tables instead).
        if zeros > 0 {
            let linear = m * log(m / Double(zeros))
            if linear <= 3 * m { return Int64(linear.rounded()) }
        }
        return Int64(raw.rounded())
    }
}

/// approx_percentile: a DDSketch-style sketch with relative accuracy 0.01. Each non-zero
/// value x goes to bucket ceil(log_gamma(|x|)) with gamma = 1.01 / 0.99, and a bucket
/// returns 2 * gamma^i / (gamma + 1), which is within 1% of every value in it. Values with
/// |x| below 1e-9 count as zero. The rank of fraction p is p * (n - 1), rounded down, as for
/// a discrete percentile.
final class QuantileSketchState: AggregateState {
    static let relativeAccuracy = 0.01
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)
    static let zeroThreshold = 1e-9

    struct Sketch {
        var positive: [Int32: Int64] = [:]
        var negative: [Int32: Int64] = [:]
        var zeros: Int64 = 0
        var total: Int64 = 0
    }

    let fraction: Double
    var sketches: [Sketch] = []

    init(fraction: Double) { self.fraction = fraction }

    func resize(groupCount: Int) {
        if groupCount > sketches.count { sketches.append(contentsOf: repeatElement(Sketch(), count: groupCount - sketches.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        forEachValidRow(count: count, mask: mask) { row in
            let value = input[row]
            guard !value.isNaN else { return }
            let group = Int(groupIds[row])
            sketches[group].total += 1
            if abs(value) < Self.zeroThreshold {
                sketches[group].zeros += 1
            } else if value > 0 {
                sketches[group].positive[Self.key(value), default: 0] += 1
            } else {
                sketches[group].negative[Self.key(-value), default: 0] += 1
            }
        }
    }

    static func key(_ magnitude: Double) -> Int32 {
        Int32(max(-2_000_000, min(2_000_000, (log(magnitude) / logGamma).rounded(.up))))
    }

    static func value(ofKey key: Int32) -> Double {
        2 * pow(gamma, Double(key)) / (gamma + 1)
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! QuantileSketchState
        for (group, target) in mapping.enumerated() {
            let source = other.sketches[group]
            let index = Int(target)
            for (key, count) in source.positive { sketches[index].positive[key, default: 0] += count }
            for (key, count) in source.negative { sketches[index].negative[key, default: 0] += count }
            sketches[index].zeros += source.zeros
            sketches[index].total += source.total
        }
    }

    func finalize() throws -> Vector {
        var values: [Double] = []
        var seen: [UInt8] = []
        for sketch in sketches {
            values.append(quantile(sketch) ?? 0)
            seen.append(sketch.total > 0 ? 1 : 0)
        }
        return Vector.double(values, validity: maskFromSeen(seen))
    }

    private func quantile(_ sketch: Sketch) -> Double? {
        guard sketch.total > 0 else { return nil }
        let rank = Int64((fraction * Double(sketch.total - 1)).rounded(.down))
        var seenCount: Int64 = 0
        // Most negative first: larger keys of the negative side are larger magnitudes.
        for key in sketch.negative.keys.sorted(by: >) {
            seenCount += sketch.negative[key] ?? 0
            if seenCount > rank { return -Self.value(ofKey: key) }
        }
        seenCount += sketch.zeros
        if seenCount > rank { return 0 }
        for key in sketch.positive.keys.sorted() {
            seenCount += sketch.positive[key] ?? 0
            if seenCount > rank { return Self.value(ofKey: key) }
        }
        return nil
    }
}
