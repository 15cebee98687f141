// Row-count estimates for choosing the build side of hash joins and for EXPLAIN.
//
// Scans start from the table's exact row count. Every filter conjunct multiplies it by a
// fixed guess of its selectivity, because no column histograms exist yet. The guesses are
// 0.1 for an equality or IS NULL, 0.33 for a range comparison and 0.5 for anything else.

import TeleCore
import TeleExecution

enum CardinalityEstimator {
    static func selectivity(_ predicates: [BoundExpression]) -> Double {
        predicates.flatMap(ExpressionRewriting.conjuncts).reduce(1.0) { product, predicate in
            product * selectivity(of: predicate)
        }
    }

    private static func selectivity(of predicate: BoundExpression) -> Double {
        switch predicate {
        case .function(let function, _):
            switch function.name {
            case "=": return 0.1
            case "<", "<=", ">", ">=": return 0.33
            case "<>": return 0.9
            default: return 0.5
            }
        case .isNull(_, let negated): return negated ? 0.9 : 0.1
        case .inList(_, let list, let negated): return negated ? 0.9 : min(0.5, 0.1 * Double(list.count))
        case .constant(.boolean(true), _): return 1
        case .constant: return 0
        default: return 0.5
        }
    }

    static func rows(_ plan: LogicalPlan) -> Double {
        switch plan {
        case .scan(let scan):
            return max(1, Double(scan.table.rowCount) * selectivity(scan.filters))
        case .values(_, let rows):
            return Double(rows.count)
        case .filter(let input, let predicate):
            return max(1, rows(input) * selectivity([predicate]))
        case .projection(let input, _, _), .sort(let input, _):
            return rows(input)
        case .tableFunction(let input, _, _):
            // NOTE: 50 rows per input row is a guess, because histogram layouts have tens of buckets.
            return rows(input) * 50
        case .distinct(let input):
            return max(1, rows(input) * 0.5)
        case .aggregate(let input, let keys, _):
            return keys.isEmpty ? 1 : max(1, rows(input) * 0.1)
        case .join(let left, let right, let type, let condition):
            let leftRows = rows(left)
            let rightRows = rows(right)
            switch type {
            case .semi, .anti: return max(1, leftRows * 0.5)
            default:
                guard condition != nil else { return leftRows * rightRows }
                let hasEquality = JoinKeys.split(condition, leftCount: left.columnCount).leftKeys.isEmpty == false
                let joined = hasEquality ? max(leftRows, rightRows) : leftRows * rightRows * 0.33
                switch type {
                case .left: return max(joined, leftRows)
                case .right: return max(joined, rightRows)
                case .full: return max(joined, leftRows + rightRows)
                default: return joined
                }
            }
        case .limit(let input, let limit, let offset):
            let available = max(0, rows(input) - Double(offset))
            return limit.map { min(Double($0), available) } ?? available
        case .topN(let input, _, let limit, _):
            return min(Double(limit), rows(input))
        case .setOperation(let left, let right, let kind, _):
            switch kind {
            case .union: return rows(left) + rows(right)
            case .intersect: return min(rows(left), rows(right))
            case .except: return rows(left)
            }
        case .unionAll(let inputs):
            return inputs.reduce(0) { $0 + rows($1) }
        }
    }
}

/// The equality conjuncts of a join condition that a hash join can use as keys.
struct JoinKeys {
    var leftKeys: [BoundExpression] = []
    /// Positions in the right input's own columns.
    var rightKeys: [BoundExpression] = []
    /// Other conjuncts, over the left columns followed by the right columns.
    var residual: [BoundExpression] = []

    static func split(_ condition: BoundExpression?, leftCount: Int) -> JoinKeys {
        var keys = JoinKeys()
        for conjunct in condition.map(ExpressionRewriting.conjuncts) ?? [] {
            guard case .function(let function, let arguments) = conjunct, function.name == "=", arguments.count == 2 else {
                keys.residual.append(conjunct)
                continue
            }
            let first = ExpressionRewriting.columnsUsed(arguments[0])
            let second = ExpressionRewriting.columnsUsed(arguments[1])
            let firstLeft = !first.isEmpty && first.allSatisfy { $0 < leftCount }
            let firstRight = !first.isEmpty && first.allSatisfy { $0 >= leftCount }
            let secondLeft = !second.isEmpty && second.allSatisfy { $0 < leftCount }
            let secondRight = !second.isEmpty && second.allSatisfy { $0 >= leftCount }
            if firstLeft && secondRight {
                keys.leftKeys.append(arguments[0])
                keys.rightKeys.append(ExpressionRewriting.shift(arguments[1], by: -leftCount))
            } else if firstRight && secondLeft {
                keys.leftKeys.append(arguments[1])
                keys.rightKeys.append(ExpressionRewriting.shift(arguments[0], by: -leftCount))
            } else {
                keys.residual.append(conjunct)
            }
        }
        return keys
    }
}
