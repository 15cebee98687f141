// The HISTOGRAM merge against a plain sparse merge on random histograms. The inputs cover
// several layouts, empty histograms, NULL rows, bounds outside the layout, unsorted bounds
// and hundreds of groups. Some groups get enough rows to switch to dense counts and some
// stay sparse. The inputs share one storage buffer, as histograms decoded from a chunk do.

import TeleCore
import Testing

@testable import TeleExecution

/// Random histograms from a fixed seed, so a failure repeats.
struct RandomHistograms {
    enum Shape: CaseIterable {
        case onLayout, empty, offLayout, unsorted
    }

    static let layouts: [HistogramLayout] = [
        try! HistogramLayout(kind: .exponential, low: 1, high: 10_000, bucketCount: 50),
        try! HistogramLayout(kind: .linear, low: 1, high: 100, bucketCount: 12),
        try! HistogramLayout(kind: .exponential, low: 1, high: 500, bucketCount: 8),
        try! HistogramLayout(boundaries: [1, 10, 100, 1000, 5000]),
    ]

    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next(_ limit: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(limit))
    }

    /// Draws the buckets of one histogram with `layout`, in the given shape.
    mutating func buckets(_ layout: HistogramLayout, shape: Shape) -> (bounds: [Int64], counts: [Int64]) {
        if shape == .empty { return ([], []) }
        // Three histograms in four list 1 to 3 buckets; the others list about a third of them.
        var bounds: [Int64] = []
        if next(4) == 0 {
            for bound in layout.lowerBounds where next(3) == 0 { bounds.append(bound) }
        } else {
            let wanted = 1 + next(3)
            for _ in 0..<wanted { bounds.append(layout.lowerBounds[next(layout.lowerBounds.count)]) }
            bounds = Array(Set(bounds)).sorted()
        }
        if bounds.isEmpty { bounds = [layout.lowerBounds[next(layout.lowerBounds.count)]] }
        if shape == .offLayout {
            // A bound between two layout bounds, or past the last one.
            let position = next(layout.lowerBounds.count)
            let candidate = layout.lowerBounds[position] + 1
            if !layout.lowerBounds.contains(candidate) && !bounds.contains(candidate) {
                bounds.append(candidate)
                bounds.sort()
            }
        }
        if shape == .unsorted && bounds.count >= 2 { bounds.reverse() }
        // About one count in ten is 0, which a merge must keep as a listed bucket.
        let counts = bounds.map { _ in next(10) == 0 ? Int64(0) : Int64(1 + next(1000)) }
        return (bounds, counts)
    }

    /// Rows spread over `groupCount` groups, each group with one layout. A few groups take
    /// most rows, so they turn dense, rare groups get a row or two, and the last 8 get none.
    /// About 5% of the rows are NULL.
    mutating func rows(count: Int, groupCount: Int, shapes: [Shape], mixLayouts: Bool = false)
        -> (groups: [Int32], histograms: Vector)
    {
        var groups: [Int32] = []
        var specs: [(layout: HistogramLayout, sum: Int64, submissions: Int64, bounds: [Int64], counts: [Int64])?] = []
        for _ in 0..<count {
            // Hot groups take 65% of the rows, busy ones 33% and rare ones 2%. The last 8
            // groups get no rows, so their results are NULL.
            let tier = next(100)
            let group: Int
            if tier < 2 {
                group = groupCount / 2 + next(groupCount / 2 - 8)
            } else if tier < 35 {
                group = groupCount / 20 + next(groupCount / 2 - groupCount / 20)
            } else {
                group = next(groupCount / 20)
            }
            groups.append(Int32(group))
            if next(20) == 0 {
                specs.append(nil)
                continue
            }
            let layoutIndex = mixLayouts ? next(Self.layouts.count) : group % Self.layouts.count
            let layout = Self.layouts[layoutIndex]
            let shape = shapes[next(shapes.count)]
            let (bounds, counts) = buckets(layout, shape: shape)
            specs.append((layout, Int64(next(1 << 20)), Int64(1 + next(3)), bounds, counts))
        }
        return (groups, Self.sharedVector(specs))
    }

    /// Builds the histograms in one shared buffer, the way the column decoder does.
    static func sharedVector(
        _ specs: [(layout: HistogramLayout, sum: Int64, submissions: Int64, bounds: [Int64], counts: [Int64])?]
    ) -> Vector {
        var storage: [Int64] = []
        var places: [(entries: Range<Int>, custom: Range<Int>)] = []
        for spec in specs {
            guard let spec else {
                places.append((0..<0, 0..<0))
                continue
            }
            let start = storage.count
            storage += spec.bounds + spec.counts
            let customStart = storage.count
            if spec.layout.kind == .custom { storage += spec.layout.lowerBounds }
            places.append((start..<(start + spec.bounds.count), customStart..<storage.count))
        }
        var builder = VectorBuilder(type: .histogram, capacity: specs.count)
        for (spec, place) in zip(specs, places) {
            guard let spec else {
                builder.appendNull()
                continue
            }
            builder.appendHistogram(
                Histogram(
                    kind: spec.layout.kind, low: spec.layout.low, high: spec.layout.high,
                    bucketCount: Int32(spec.layout.bucketCount), sum: spec.sum, submissions: spec.submissions,
                    sharing: storage, entries: place.entries, custom: place.custom))
        }
        return builder.finish()
    }
}

@Suite("Histogram merge against a sparse reference")
struct HistogramMergeTests {
    static let groupCount = 400

    /// Runs `function` over the rows in vectors of 2048, the way the hash aggregate feeds it.
    static func engineResults(_ function: AggregateFunction, groups: [Int32], input: Vector) throws -> Vector {
        try engineState(function, groups: groups, input: input).finalize()
    }

    static func engineState(_ function: AggregateFunction, groups: [Int32], input: Vector) throws -> HistogramMergeState {
        let state = function.makeState()
        state.resize(groupCount: groupCount)
        try update(state, groups: groups, input: input, rows: 0..<groups.count)
        return try #require(state as? HistogramMergeState)
    }

    /// How many groups end with dense counts, with sparse buckets, and sparse for good.
    static func storeCounts(_ state: HistogramMergeState) -> (dense: Int, sparse: Int, sparseOnly: Int) {
        let used = state.groups.headers.filter { $0.layout >= 0 }
        return (
            used.filter { $0.denseStart >= 0 }.count,
            used.filter { $0.denseStart == HistogramMergeGroups.GroupHeader.sparse }.count,
            used.filter { $0.denseStart == HistogramMergeGroups.GroupHeader.sparseOnly }.count
        )
    }

    static func update(_ state: any AggregateState, groups: [Int32], input: Vector, rows: Range<Int>) throws {
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: 2048) {
            let end = min(start + 2048, rows.upperBound)
            let selection = (start..<end).map { Int32($0) }
            let groupIds = Array(groups[start..<end])
            try groupIds.withUnsafeBufferPointer {
                try state.update([input.gathered(selection)], groupIds: $0, count: selection.count)
            }
        }
    }

    static func referenceResults(target: HistogramLayout?, groups: [Int32], input: Vector) throws -> [Histogram?] {
        var reference = ReferenceHistogramMerge(groupCount: groupCount, target: target)
        for row in 0..<groups.count {
            guard case .histogram(let histogram) = input.value(at: row) else {
                try reference.add(nil, to: Int(groups[row]))
                continue
            }
            try reference.add(histogram, to: Int(groups[row]))
        }
        return reference.results
    }

    static func expectSame(_ engine: Vector, _ reference: [Histogram?], _ label: String) {
        #expect(engine.count == reference.count, "\(label): group count")
        for group in 0..<min(engine.count, reference.count) {
            let expected: Value = reference[group].map(Value.histogram) ?? .null
            #expect(engine.value(at: group) == expected, "\(label): group \(group)")
        }
    }

    @Test("merge matches reference", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func mergeMatchesReference(seed: UInt64) throws {
        var random = RandomHistograms(seed: seed)
        let (groups, input) = random.rows(count: 20_000, groupCount: Self.groupCount, shapes: [.onLayout, .onLayout, .onLayout, .empty, .offLayout, .unsorted])
        let state = try Self.engineState(HistogramAggregates.merge, groups: groups, input: input)
        let reference = try Self.referenceResults(target: nil, groups: groups, input: input)
        Self.expectSame(try state.finalize(), reference, "seed \(seed)")
        #expect(reference.contains { $0 == nil }, "some group has no histogram")
        let stores = Self.storeCounts(state)
        #expect(stores.sparseOnly > 0, "some group met an off-layout or unsorted histogram")
        #expect(stores.sparse > 0, "some group stayed sparse")
    }

    @Test("dense groups match reference")
    func denseGroupsMatchReference() throws {
        // Only well-formed histograms, so the busy groups stay dense to the end.
        var random = RandomHistograms(seed: 11)
        let (groups, input) = random.rows(count: 30_000, groupCount: Self.groupCount, shapes: [.onLayout, .empty])
        let state = try Self.engineState(HistogramAggregates.merge, groups: groups, input: input)
        let reference = try Self.referenceResults(target: nil, groups: groups, input: input)
        Self.expectSame(try state.finalize(), reference, "well-formed")
        let stores = Self.storeCounts(state)
        #expect(stores.dense > 0, "some group turned dense")
        #expect(stores.sparse > 0, "some group stayed sparse")
        #expect(stores.sparseOnly == 0, "no group met a bound outside its layout")
    }

    @Test("re-bucketing matches reference", arguments: [0, 1, 3])
    func rebucketMatchesReference(layoutIndex: Int) throws {
        let target = RandomHistograms.layouts[layoutIndex]
        var random = RandomHistograms(seed: UInt64(20 + layoutIndex))
        let (groups, input) = random.rows(
            count: 20_000, groupCount: Self.groupCount, shapes: RandomHistograms.Shape.allCases, mixLayouts: true)
        let function = try HistogramAggregates.build(spec: .layout(target), inputType: .histogram)
        let engine = try Self.engineResults(function, groups: groups, input: input)
        let reference = try Self.referenceResults(target: target, groups: groups, input: input)
        Self.expectSame(engine, reference, "target \(target)")
    }

    @Test("combined partial states match reference", arguments: [2, 3, 7])
    func combineMatchesReference(parts: Int) throws {
        var random = RandomHistograms(seed: UInt64(30 + parts))
        let (groups, input) = random.rows(count: 20_000, groupCount: Self.groupCount, shapes: [.onLayout, .empty, .offLayout])
        let combined = HistogramAggregates.merge.makeState()
        combined.resize(groupCount: Self.groupCount)
        let partSize = groups.count / parts
        for part in 0..<parts {
            let end = part == parts - 1 ? groups.count : (part + 1) * partSize
            let state = HistogramAggregates.merge.makeState()
            state.resize(groupCount: Self.groupCount)
            try Self.update(state, groups: groups, input: input, rows: (part * partSize)..<end)
            // Reverse the group ids, so the mapping is not the identity.
            let mapping = (0..<Self.groupCount).map { Int32(Self.groupCount - 1 - $0) }
            try combined.combine(state, mapping: mapping)
        }
        let reversedGroups = groups.map { Int32(Self.groupCount - 1) - $0 }
        let reference = try Self.referenceResults(target: nil, groups: reversedGroups, input: input)
        Self.expectSame(try combined.finalize(), reference, "\(parts) parts")
    }

    @Test("layout mismatch names both layouts")
    func layoutMismatchNamesBothLayouts() throws {
        let exponential = RandomHistograms.layouts[0]
        let custom = RandomHistograms.layouts[3]
        // Enough rows of the first layout that the group is dense when the second arrives.
        var specs: [(layout: HistogramLayout, sum: Int64, submissions: Int64, bounds: [Int64], counts: [Int64])?] =
            Array(repeating: (exponential, 1, 1, Array(exponential.lowerBounds.prefix(20)), Array(repeating: 1, count: 20)), count: 50)
        specs.append((custom, 1, 1, [10], [1]))
        let input = RandomHistograms.sharedVector(specs)
        let groups = [Int32](repeating: 0, count: specs.count)
        let state = HistogramAggregates.merge.makeState()
        state.resize(groupCount: 1)
        let error = try #require(throws: TeleError.self) {
            try groups.withUnsafeBufferPointer { try state.update([input], groupIds: $0, count: groups.count) }
        }
        #expect(error.state == .dataException)
        #expect(error.message == "cannot merge histograms with layouts exponential(1, 10000, 50) and boundaries(1, 10, 100, 1000, 5000)")
    }

    @Test("sum overflow raises 22003")
    func sumOverflowRaises() throws {
        let layout = RandomHistograms.layouts[1]
        let input = RandomHistograms.sharedVector([
            (layout, Int64.max - 1, 1, [1], [1]),
            (layout, 5, 1, [1], [1]),
        ])
        let state = HistogramAggregates.merge.makeState()
        state.resize(groupCount: 1)
        let groups: [Int32] = [0, 0]
        let error = try #require(throws: TeleError.self) {
            try groups.withUnsafeBufferPointer { try state.update([input], groupIds: $0, count: 2) }
        }
        #expect(error.state == .numericValueOutOfRange)
    }

    @Test("bucket index table finds every bound")
    func bucketIndexTableFindsBounds() throws {
        for layout in RandomHistograms.layouts {
            let table = BucketIndexTable(lowerBounds: layout.lowerBounds)
            var indexes = [Int32](repeating: -1, count: layout.lowerBounds.count)
            let placed = layout.lowerBounds.withUnsafeBufferPointer { bounds in
                indexes.withUnsafeMutableBufferPointer { table.mapBounds(bounds, to: $0.baseAddress!) }
            }
            #expect(placed, "\(layout)")
            #expect(indexes == (0..<layout.lowerBounds.count).map { Int32($0) }, "\(layout)")
            for outside: [Int64] in [[-1], [layout.high + 1], [layout.lowerBounds[1], layout.lowerBounds[1]]] {
                let found = outside.withUnsafeBufferPointer { bounds in
                    indexes.withUnsafeMutableBufferPointer { table.mapBounds(bounds, to: $0.baseAddress!) }
                }
                #expect(!found, "\(layout) with \(outside)")
            }
        }
    }
}
