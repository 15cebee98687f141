// Join on an arbitrary condition by comparing every pair of rows. The right input is read
// whole. Each left chunk is paired with one right row at a time, the right row broadcast as
// constant vectors, so the condition runs over a whole chunk per call.

import TeleCore

public final class NestedLoopJoinOperator: PhysicalOperator {
    public let left: any PhysicalOperator
    public let right: any PhysicalOperator
    public let type: JoinType
    public let condition: BoundExpression?

    private var rightRows: DataChunk? = nil
    private var rightMatched: [Bool] = []
    private var leftDone = false
    private var output = OutputQueue()

    public init(left: any PhysicalOperator, right: any PhysicalOperator, type: JoinType, condition: BoundExpression?) {
        self.left = left
        self.right = right
        self.type = type
        self.condition = condition
    }

    public var outputTypes: [DataType] {
        type == .semi || type == .anti ? left.outputTypes : left.outputTypes + right.outputTypes
    }
    public var children: [any PhysicalOperator] { [left, right] }
    public var explainLine: String { "NestedLoopJoin type=\(type)\(condition == nil ? "" : " condition")" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if rightRows == nil {
            let rows = try MaterializedRows(draining: right).chunk
            rightRows = rows
            rightMatched = [Bool](repeating: false, count: rows.count)
        }
        while output.isEmpty && !leftDone {
            if let chunk = try left.next() {
                try joinChunk(chunk)
            } else {
                leftDone = true
                if type == .right || type == .full { emitUnmatchedRightRows() }
            }
        }
        return output.pop()
    }

    private func joinChunk(_ chunk: DataChunk) throws {
        guard let rightRows else { return }
        var leftMatched = [Bool](repeating: false, count: chunk.count)
        let emitsPairs = type != .semi && type != .anti
        for rightRow in 0..<rightRows.count {
            if rightRow & 63 == 63 { try Interruption.check() }
            let broadcast = rightRows.columns.map { Vector.constant($0.value(at: rightRow), type: $0.type, count: chunk.count) }
            let pairs = DataChunk(columns: chunk.columns + broadcast, count: chunk.count)
            let selection: [Int32]
            if let condition {
                selection = try ExpressionEvaluator.select(condition, on: pairs)
            } else {
                selection = (0..<Int32(chunk.count)).map { $0 }
            }
            if selection.isEmpty { continue }
            rightMatched[rightRow] = true
            for row in selection { leftMatched[Int(row)] = true }
            if emitsPairs { output.append(pairs.selecting(selection)) }
        }
        switch type {
        case .semi: appendSelection(rows(leftMatched, true), of: chunk, to: &output)
        case .anti: appendSelection(rows(leftMatched, false), of: chunk, to: &output)
        case .left, .full:
            let unmatched = rows(leftMatched, false)
            if !unmatched.isEmpty {
                let nulls = right.outputTypes.map { Vector.constant(.null, type: $0, count: unmatched.count) }
                output.append(DataChunk(columns: chunk.columns.map { $0.selecting(unmatched) } + nulls, count: unmatched.count))
            }
        case .inner, .right: break
        }
    }

    private func rows(_ flags: [Bool], _ wanted: Bool) -> [Int32] {
        flags.indices.filter { flags[$0] == wanted }.map { Int32($0) }
    }

    private func emitUnmatchedRightRows() {
        guard let rightRows else { return }
        let unmatched = rows(rightMatched, false)
        if unmatched.isEmpty { return }
        let nulls = left.outputTypes.map { Vector.constant(.null, type: $0, count: unmatched.count) }
        let chunk = DataChunk(columns: nulls + rightRows.columns.map { $0.selecting(unmatched) }, count: unmatched.count)
        output.append(chunk)
    }
}
