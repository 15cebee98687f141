// Row sampling for `SAMPLE n PERCENT` (without BY) and `SAMPLE n ROWS`.
//
// A row is chosen by its position in the table, never by its content or by arrival order,
// so a sample with the same seed returns the same rows in every run. PERCENT keeps each row
// independently (Bernoulli sampling) when a 64-bit mix of (seed, position) falls below
// p * 2^64. ROWS draws exactly min(n, table rows) distinct positions with Floyd's
// algorithm from a SplitMix64 generator seeded with the seed.

import TeleCore

/// The row sample of one table scan.
public struct RowSample: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        case percent(Double)
        case rows(Int64)
    }

    public var size: Size
    public var seed: Int64

    public init(size: Size, seed: Int64) {
        self.size = size
        self.seed = seed
    }

    /// Returns SplitMix64's output for `state`, a bijective mix of all 64 bits.
    @inline(__always)
    static func mix(_ state: UInt64) -> UInt64 {
        var z = state &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Returns the sorted positions that `SAMPLE n ROWS` keeps from `rowCount` rows.
    static func chosenPositions(count requested: Int64, rowCount: Int, seed: Int64) -> [Int] {
        let total = rowCount
        let sampleSize = Int(min(max(requested, 0), Int64(total)))
        if sampleSize == total { return Array(0..<total) }
        // Floyd's algorithm: for j in total-sampleSize ..< total, draw t in 0...j and take t,
        // or j when t was taken already. Every subset of sampleSize rows is equally likely.
        var chosen = Set<Int>(minimumCapacity: sampleSize)
        var state = UInt64(bitPattern: seed)
        for j in (total - sampleSize)..<total {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            let draw = Int(mix(state) % UInt64(j + 1))
            chosen.insert(chosen.contains(draw) ? j : draw)
        }
        return chosen.sorted()
    }
}

/// Keeps the sampled rows of an unfiltered table scan. The child must return every row of
/// the table in order (no filter, no zone maps), because positions count from its first row.
public final class RowSampleOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let sample: RowSample
    private var position = 0
    /// For ROWS: the sorted positions to keep and the next one not yet reached.
    private let chosen: [Int]
    private var nextChosen = 0
    private let threshold: UInt64

    public init(child: any PhysicalOperator, sample: RowSample, rowCount: Int) {
        self.child = child
        self.sample = sample
        switch sample.size {
        case .percent(let percent):
            chosen = []
            let fraction = min(max(percent / 100, 0), 1)
            threshold = fraction >= 1 ? UInt64.max : UInt64(fraction * 18_446_744_073_709_551_616.0)
        case .rows(let count):
            chosen = RowSample.chosenPositions(count: count, rowCount: rowCount, seed: sample.seed)
            threshold = 0
        }
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "RowSample" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while let chunk = try child.next() {
            let start = position
            position += chunk.count
            var selection: [Int32] = []
            switch sample.size {
            case .percent:
                let seedBits = UInt64(bitPattern: sample.seed) &* 0xD6E8_FEB8_6659_FD93
                for row in 0..<chunk.count where RowSample.mix(seedBits ^ UInt64(start + row)) < threshold {
                    selection.append(Int32(row))
                }
            case .rows:
                while nextChosen < chosen.count, chosen[nextChosen] < position {
                    selection.append(Int32(chosen[nextChosen] - start))
                    nextChosen += 1
                }
            }
            if selection.isEmpty { continue }
            return selection.count == chunk.count ? chunk : chunk.selecting(selection)
        }
        return nil
    }
}
