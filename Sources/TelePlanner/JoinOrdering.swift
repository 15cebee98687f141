// Join ordering for trees of three or more inner joins, such as comma joins.
//
//   FROM a, b, c WHERE a.x = c.x AND b.y = c.y
//     as written:  (a CROSS JOIN b) JOIN c      a cross product of a and b
//     reordered:   (c JOIN a) JOIN b            two hash joins
//
// The greedy order starts from the input with the most estimated rows. It then adds, one at
// a time, the smallest input that an unused join condition connects to the inputs joined
// so far. Every step can then be a hash join that builds on the small side. A disconnected
// input is added last as a cross join, and a projection restores the original column order.

import TeleCore
import TeleExecution

enum JoinOrdering {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .join(_, _, .inner, _) = plan else {
            return plan.replacingInputs(plan.inputs.map(apply))
        }
        var leaves: [LogicalPlan] = []
        var conjuncts: [BoundExpression] = []
        flatten(plan, leaves: &leaves, conjuncts: &conjuncts)
        leaves = leaves.map(apply)
        if leaves.count < 3 { return rebuildInOrder(plan, leaves) }
        return reorder(leaves, conjuncts, names: plan.outputNames)
    }

    /// Collects the inputs of a tree of inner joins and its conditions, renumbered over all
    /// inputs side by side in their original order.
    private static func flatten(_ plan: LogicalPlan, leaves: inout [LogicalPlan], conjuncts: inout [BoundExpression]) {
        guard case .join(let left, let right, .inner, let condition) = plan else {
            leaves.append(plan)
            return
        }
        let base = leaves.reduce(0) { $0 + $1.columnCount }
        flatten(left, leaves: &leaves, conjuncts: &conjuncts)
        flatten(right, leaves: &leaves, conjuncts: &conjuncts)
        for conjunct in condition.map(ExpressionRewriting.conjuncts) ?? [] {
            conjuncts.append(ExpressionRewriting.shift(conjunct, by: base))
        }
    }

    /// Puts the reordered inputs of a two-input tree back in its original shape.
    private static func rebuildInOrder(_ plan: LogicalPlan, _ leaves: [LogicalPlan]) -> LogicalPlan {
        guard case .join(_, _, let type, let condition) = plan, leaves.count == 2 else { return plan }
        return .join(leaves[0], leaves[1], type: type, condition: condition)
    }

    private static func reorder(_ leaves: [LogicalPlan], _ conjuncts: [BoundExpression], names: [String]) -> LogicalPlan {
        var offsets: [Int] = []
        var total = 0
        for leaf in leaves {
            offsets.append(total)
            total += leaf.columnCount
        }
        func leafOf(_ column: Int) -> Int { offsets.lastIndex { $0 <= column } ?? 0 }
        let leafSets = conjuncts.map { Set(ExpressionRewriting.columnsUsed($0).map(leafOf)) }
        let sizes = leaves.map(CardinalityEstimator.rows)

        guard let start = leaves.indices.max(by: { sizes[$0] < sizes[$1] }) else { return leaves[0] }
        var order = [start]
        var joined: Set<Int> = [start]
        var used = Set<Int>()
        var plan = leaves[start]

        while joined.count < leaves.count {
            let remaining = leaves.indices.filter { !joined.contains($0) }
            let connected = remaining.filter { candidate in
                conjuncts.indices.contains { index in
                    !used.contains(index) && leafSets[index].contains(candidate)
                        && !leafSets[index].isDisjoint(with: joined)
                        && leafSets[index].isSubset(of: joined.union([candidate]))
                }
            }
            let pool = connected.isEmpty ? remaining : connected
            guard let next = pool.min(by: { sizes[$0] < sizes[$1] }) else { break }
            order.append(next)
            joined.insert(next)

            let mapping = positions(for: order, leaves: leaves, offsets: offsets)
            var condition: [BoundExpression] = []
            for index in conjuncts.indices where !used.contains(index) && leafSets[index].isSubset(of: joined) {
                used.insert(index)
                condition.append(ExpressionRewriting.remap(conjuncts[index], mapping))
            }
            plan = .join(plan, leaves[next], type: .inner, condition: ExpressionRewriting.conjunction(condition))
        }

        let mapping = positions(for: order, leaves: leaves, offsets: offsets)
        let types = leaves.flatMap(\.outputTypes)
        let restore = (0..<total).map { BoundExpression.column(index: mapping[$0] ?? $0, type: types[$0]) }
        return .projection(plan, expressions: restore, names: names)
    }

    /// Maps each original column position of the inputs in `order` to its position in the
    /// reordered join output.
    private static func positions(for order: [Int], leaves: [LogicalPlan], offsets: [Int]) -> [Int: Int] {
        var mapping: [Int: Int] = [:]
        var next = 0
        for leaf in order {
            for column in 0..<leaves[leaf].columnCount {
                mapping[offsets[leaf] + column] = next
                next += 1
            }
        }
        return mapping
    }
}
