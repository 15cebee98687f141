// CASE and COALESCE, which evaluate each branch only on the rows that reach it.

import TeleCore

extension ExpressionEvaluator {
    static func evaluateCase(
        _ branches: [(condition: BoundExpression, result: BoundExpression)], _ elseResult: BoundExpression,
        _ type: DataType, _ chunk: DataChunk
    ) throws -> Vector {
        // Rows not yet claimed by a branch, as indices into `chunk`.
        var remaining = (0..<Int32(chunk.count)).map { $0 }
        var pieces: [(rows: [Int32], values: Vector)] = []
        for branch in branches where !remaining.isEmpty {
            let subset = remaining.count == chunk.count ? chunk : chunk.selecting(remaining)
            let chosen = try select(branch.condition, on: subset)
            if chosen.isEmpty { continue }
            let chosenChunk = chosen.count == subset.count ? subset : subset.selecting(chosen)
            let values = try Cast.cast(try evaluate(branch.result, chosenChunk), to: type)
            pieces.append((chosen.map { remaining[Int($0)] }, values))
            var taken = [Bool](repeating: false, count: remaining.count)
            for position in chosen { taken[Int(position)] = true }
            remaining = remaining.indices.filter { !taken[$0] }.map { remaining[$0] }
        }
        if !remaining.isEmpty {
            let subset = remaining.count == chunk.count ? chunk : chunk.selecting(remaining)
            pieces.append((remaining, try Cast.cast(try evaluate(elseResult, subset), to: type)))
        }
        if pieces.count == 1 && pieces[0].rows.count == chunk.count { return pieces[0].values }
        return assemble(pieces, type: type, count: chunk.count)
    }

    /// Merges vectors that each cover some rows into one vector over all `count` rows.
    static func assemble(_ pieces: [(rows: [Int32], values: Vector)], type: DataType, count: Int) -> Vector {
        var pieceOfRow = [Int32](repeating: -1, count: count)
        var positionOfRow = [Int32](repeating: 0, count: count)
        for (pieceIndex, piece) in pieces.enumerated() {
            for (position, row) in piece.rows.enumerated() {
                pieceOfRow[Int(row)] = Int32(pieceIndex)
                positionOfRow[Int(row)] = Int32(position)
            }
        }
        var accumulator = VectorAccumulator(type: type)
        for row in 0..<count {
            let pieceIndex = Int(pieceOfRow[row])
            if pieceIndex < 0 {
                accumulator.appendNull()
            } else {
                accumulator.append(pieces[pieceIndex].values, row: Int(positionOfRow[row]))
            }
        }
        return accumulator.finish()
    }

    static func evaluateCoalesce(_ operands: [BoundExpression], _ type: DataType, _ chunk: DataChunk) throws -> Vector {
        var remaining = (0..<Int32(chunk.count)).map { $0 }
        var pieces: [(rows: [Int32], values: Vector)] = []
        for operand in operands where !remaining.isEmpty {
            let subset = remaining.count == chunk.count ? chunk : chunk.selecting(remaining)
            let values = try Cast.cast(try evaluate(operand, subset), to: type)
            let present = (0..<subset.count).filter { !values.isNull($0) }.map { Int32($0) }
            if present.isEmpty { continue }
            pieces.append((present.map { remaining[Int($0)] }, present.count == subset.count ? values : values.selecting(present)))
            let nullRows = (0..<subset.count).filter { values.isNull($0) }
            remaining = nullRows.map { remaining[$0] }
        }
        if pieces.count == 1 && pieces[0].rows.count == chunk.count { return pieces[0].values }
        return assemble(pieces, type: type, count: chunk.count)
    }
}
