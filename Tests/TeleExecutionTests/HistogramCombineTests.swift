// Partial aggregate states combined the way parallel execution combines them must give the
// same result as one state that saw every row, for each histogram, CDF and sketch aggregate.

import TeleCore
import Testing

@testable import TeleExecution

@Suite("Histogram and sketch combine")
struct HistogramCombineTests {
    static let samples: [Double] = {
        var state: UInt64 = 99
        return (0..<5000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 44) / 7
        }
    }()

    /// Runs `function` over `values` split into `parts` partial states in group 0, combines
    /// them into a fresh state and returns the result.
    static func combined(_ function: AggregateFunction, _ input: Vector, parts: Int) throws -> Value {
        let target = function.makeState()
        target.resize(groupCount: 1)
        let chunk = input.count / parts
        for part in 0..<parts {
            let start = part * chunk
            let end = part == parts - 1 ? input.count : start + chunk
            let selection = (start..<end).map { Int32($0) }
            let state = function.makeState()
            state.resize(groupCount: 1)
            let groupIds = [Int32](repeating: 0, count: selection.count)
            try groupIds.withUnsafeBufferPointer {
                try state.update([input.gathered(selection)], groupIds: $0, count: selection.count)
            }
            try target.combine(state, mapping: [0])
        }
        return try target.finalize().value(at: 0)
    }

    static func functions() throws -> [(String, AggregateFunction, Vector)] {
        let numbers = Vector.double(samples)
        let layout = try HistogramLayout(kind: .exponential, low: 1, high: 100_000, bucketCount: 60)
        let histogramBuild = try HistogramAggregates.build(spec: .layout(layout), inputType: .double)
        // Histograms to merge: one per 100 samples.
        let histograms = try (0..<50).map { block -> Value in
            let slice = Vector.double(Array(samples[(block * 100)..<(block * 100 + 100)]))
            return try combined(histogramBuild, slice, parts: 1)
        }
        var builder = VectorBuilder(type: .histogram, capacity: histograms.count)
        for histogram in histograms { builder.append(histogram) }
        let histogramVector = builder.finish()
        return [
            ("HISTOGRAM(x, layout)", histogramBuild, numbers),
            ("HISTOGRAM(x, AUTO)", try HistogramAggregates.build(spec: .auto(bucketCount: 20), inputType: .double), numbers),
            ("HISTOGRAM(h)", HistogramAggregates.merge, histogramVector),
            ("CDF(h)", CDFAggregates.histograms, histogramVector),
            ("CDF(x)", try CDFAggregates.values(points: 100), numbers),
            ("percentile_cont", try OrderedSetAggregates.percentile(continuous: true, fraction: 0.9, descending: false), numbers),
            ("approx_percentile", try OrderedSetAggregates.approximatePercentile(fraction: 0.9), numbers),
            (
                "approx_count_distinct",
                try AggregateFunctionRegistry.resolve(name: "approx_count_distinct", argumentTypes: [.double], distinct: false),
                numbers
            ),
        ]
    }

    @Test("partial states combine to the single-state result")
    func combineMatchesSingleState() throws {
        for (name, function, input) in try Self.functions() {
            let whole = try Self.combined(function, input, parts: 1)
            for parts in [2, 3, 7] {
                let split = try Self.combined(function, input, parts: parts)
                #expect(split == whole, "\(name) with \(parts) parts")
            }
            #expect(!whole.isNull, "\(name)")
        }
    }
}
