// Helpers for operators that collect their whole input (sort, joins, aggregation) and hand
// out results in chunks of `Vector.defaultCapacity` rows.

import TeleCore

/// All rows of an input, concatenated into one flat vector per column.
struct MaterializedRows {
    let types: [DataType]
    var columns: [Vector]
    var count: Int

    /// Pulls every chunk from `source`.
    init(draining source: any PhysicalOperator) throws {
        types = source.outputTypes
        var accumulators = types.map { VectorAccumulator(type: $0) }
        var total = 0
        while let chunk = try source.next() {
            for (index, vector) in chunk.columns.enumerated() { accumulators[index].append(vector) }
            total += chunk.count
        }
        columns = accumulators.map { $0.finish() }
        count = total
    }

    var chunk: DataChunk { DataChunk(columns: columns, count: count) }
}

/// Output chunks waiting to be returned, filled from whole result sets or row selections.
struct OutputQueue {
    private var chunks: [DataChunk] = []
    private var position = 0

    var isEmpty: Bool { position >= chunks.count }

    /// Queues `chunk`, split into pieces of at most `Vector.defaultCapacity` rows.
    mutating func append(_ chunk: DataChunk) {
        if chunk.count == 0 { return }
        var start = 0
        while start < chunk.count {
            let length = min(Vector.defaultCapacity, chunk.count - start)
            chunks.append(chunk.slice(start, length))
            start += length
        }
    }

    mutating func pop() -> DataChunk? {
        guard position < chunks.count else { return nil }
        let chunk = chunks[position]
        position += 1
        if position == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            position = 0
        }
        return chunk
    }
}

/// Gathers `selection` rows from a big chunk in pieces of `Vector.defaultCapacity` rows.
func appendSelection(_ selection: [Int32], of chunk: DataChunk, to queue: inout OutputQueue) {
    var start = 0
    while start < selection.count {
        let end = min(start + Vector.defaultCapacity, selection.count)
        queue.append(chunk.selecting(Array(selection[start..<end])))
        start = end
    }
}
