// Equi-join by hashing the build side.
//
// The build input is read whole and its key tuples are grouped by a `GroupIndex`, which then
// prepares for probing (a Bloom filter of a large string key's build side). Rows with
// equal keys form a chain through `firstRow` (one entry per key) and `nextRow` (one per row). Each probe chunk
// looks its keys up, expands the chains into (probe row, build row) pairs, and applies the
// residual condition to the pairs. NULL keys never match. Output columns are the probe
// columns then the build columns; semi and anti joins output only the probe columns.

import TeleCore

public final class HashJoinOperator: PhysicalOperator {
    public let probe: any PhysicalOperator
    public let build: any PhysicalOperator
    public let type: JoinType
    public let probeKeys: [BoundExpression]
    public let buildKeys: [BoundExpression]
    public let residual: BoundExpression?
    /// Output positions no consumer reads: they come out as NULL constants instead of being
    /// gathered, which saves copying a join key such as a 36-byte document id per pair.
    /// Only for joins without a residual, which reads the gathered pairs.
    public var unreadColumns: Set<Int> = []

    private var built = false
    private var buildRows: DataChunk = DataChunk(columns: [], count: 0)
    private var index: GroupIndex
    private var firstRow: [Int32] = []
    private var nextRow: [Int32] = []
    private var buildMatched: [Bool] = []
    private var probeDone = false
    private var output = OutputQueue()

    public init(
        probe: any PhysicalOperator, build: any PhysicalOperator, type: JoinType, probeKeys: [BoundExpression],
        buildKeys: [BoundExpression], residual: BoundExpression?
    ) {
        self.probe = probe
        self.build = build
        self.type = type
        self.probeKeys = probeKeys
        self.buildKeys = buildKeys
        self.residual = residual
        self.index = GroupIndex(keyTypes: buildKeys.map(\.type))
    }

    public var outputTypes: [DataType] {
        type == .semi || type == .anti ? probe.outputTypes : probe.outputTypes + build.outputTypes
    }
    public var children: [any PhysicalOperator] { [probe, build] }
    public var explainLine: String {
        "HashJoin type=\(type) keys=\(probeKeys.count)\(residual == nil ? "" : " residual")"
    }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if !built {
            built = true
            try buildTable()
        }
        while output.isEmpty && !probeDone {
            if let chunk = try probe.next() {
                try probeChunk(chunk)
            } else {
                probeDone = true
                if type == .right || type == .full { emitUnmatchedBuildRows() }
            }
        }
        return output.pop()
    }

    private func buildTable() throws {
        buildRows = try MaterializedRows(draining: build).chunk
        let keys = try buildKeys.map { try ExpressionEvaluator.evaluate($0, on: buildRows) }
        let groups = index.lookup(keys, count: buildRows.count, insert: true, nullsMatch: false)
        index.prepareForProbing()
        firstRow = [Int32](repeating: -1, count: index.groupCount)
        nextRow = [Int32](repeating: -1, count: buildRows.count)
        // Insert in reverse so that each chain lists build rows in input order.
        for row in stride(from: buildRows.count - 1, through: 0, by: -1) where groups[row] >= 0 {
            let group = Int(groups[row])
            nextRow[row] = firstRow[group]
            firstRow[group] = Int32(row)
        }
        buildMatched = [Bool](repeating: false, count: buildRows.count)
    }

    private func probeChunk(_ chunk: DataChunk) throws {
        let keys = try probeKeys.map { try ExpressionEvaluator.evaluate($0, on: chunk) }
        let groups = index.lookup(keys, count: chunk.count, insert: false, nullsMatch: false)

        // Expand the chains into candidate pairs, then keep the pairs the residual accepts.
        var probeSide: [Int32] = []
        var buildSide: [Int32] = []
        probeSide.reserveCapacity(chunk.count)
        buildSide.reserveCapacity(chunk.count)
        for row in 0..<chunk.count where groups[row] >= 0 {
            var buildRow = firstRow[Int(groups[row])]
            while buildRow >= 0 {
                probeSide.append(Int32(row))
                buildSide.append(buildRow)
                buildRow = nextRow[Int(buildRow)]
            }
        }
        if let residual, !probeSide.isEmpty {
            let pairs = pairChunk(chunk, probeSide, buildSide)
            let kept = try ExpressionEvaluator.select(residual, on: pairs)
            probeSide = kept.map { probeSide[Int($0)] }
            buildSide = kept.map { buildSide[Int($0)] }
        }

        var probeMatched = [Bool](repeating: false, count: chunk.count)
        for row in probeSide { probeMatched[Int(row)] = true }
        for row in buildSide { buildMatched[Int(row)] = true }

        switch type {
        case .semi:
            let rows = (0..<chunk.count).filter { probeMatched[$0] }.map { Int32($0) }
            appendSelection(rows, of: chunk, to: &output)
        case .anti:
            let rows = (0..<chunk.count).filter { !probeMatched[$0] }.map { Int32($0) }
            appendSelection(rows, of: chunk, to: &output)
        case .inner, .right:
            emitPairs(chunk, probeSide, buildSide)
        case .left, .full:
            emitPairs(chunk, probeSide, buildSide)
            let unmatched = (0..<chunk.count).filter { !probeMatched[$0] }.map { Int32($0) }
            emitProbeWithNulls(chunk, unmatched)
        }
    }

    /// Builds the combined layout (probe columns, then build columns) of the given pairs.
    private func pairChunk(_ chunk: DataChunk, _ probeSide: [Int32], _ buildSide: [Int32]) -> DataChunk {
        // When every probe row matched exactly once, in order, the probe columns stay as they are.
        let isIdentity = probeSide.count == chunk.count && probeSide.indices.allSatisfy { probeSide[$0] == Int32($0) }
        let count = probeSide.count
        let left = chunk.columns.enumerated().map { position, column in
            if unreadColumns.contains(position) { return Vector.constant(.null, type: column.type, count: count) }
            return isIdentity ? column : column.selecting(probeSide)
        }
        let probeCount = chunk.columns.count
        let right = buildRows.columns.enumerated().map { position, column in
            if unreadColumns.contains(probeCount + position) { return Vector.constant(.null, type: column.type, count: count) }
            return column.selecting(buildSide)
        }
        return DataChunk(columns: left + right, count: count)
    }

    private func emitPairs(_ chunk: DataChunk, _ probeSide: [Int32], _ buildSide: [Int32]) {
        var start = 0
        while start < probeSide.count {
            let end = min(start + Vector.defaultCapacity, probeSide.count)
            output.append(pairChunk(chunk, Array(probeSide[start..<end]), Array(buildSide[start..<end])))
            start = end
        }
    }

    private func emitProbeWithNulls(_ chunk: DataChunk, _ rows: [Int32]) {
        if rows.isEmpty { return }
        let left = chunk.columns.map { $0.selecting(rows) }
        let right = build.outputTypes.map { Vector.constant(.null, type: $0, count: rows.count) }
        output.append(DataChunk(columns: left + right, count: rows.count))
    }

    private func emitUnmatchedBuildRows() {
        let rows = (0..<buildRows.count).filter { !buildMatched[$0] }.map { Int32($0) }
        var start = 0
        while start < rows.count {
            let end = min(start + Vector.defaultCapacity, rows.count)
            let selection = Array(rows[start..<end])
            let left = probe.outputTypes.map { Vector.constant(.null, type: $0, count: selection.count) }
            let right = buildRows.columns.map { $0.selecting(selection) }
            output.append(DataChunk(columns: left + right, count: selection.count))
            start = end
        }
    }
}
