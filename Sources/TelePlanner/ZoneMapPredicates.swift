// Turns scan filters of the form `column <op> constant` and `column IS [NOT] NULL` into
// zone-map predicates, which let the scan skip a row group whose min/max/NULL count prove
// no row can match. The filter itself stays, because a row group that is not skipped can
// still hold rows that fail it.

import TeleCore
import TeleExecution

enum ZoneMapPredicates {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .scan(var scan) = node else { return nil }
            scan.zoneMapPredicates = scan.filters.flatMap(ExpressionRewriting.conjuncts).compactMap(predicate)
            return .scan(scan)
        }
    }

    private static let comparisons: [String: (ZoneMapPredicate.Comparison, flipped: ZoneMapPredicate.Comparison)] = [
        "=": (.equal, .equal), "<": (.less, .greater), "<=": (.lessOrEqual, .greaterOrEqual),
        ">": (.greater, .less), ">=": (.greaterOrEqual, .lessOrEqual),
    ]

    static func predicate(_ filter: BoundExpression) -> ZoneMapPredicate? {
        switch filter {
        case .isNull(let operand, let negated):
            guard let column = columnIndex(operand) else { return nil }
            return ZoneMapPredicate(column: column, comparison: negated ? .isNotNull : .isNull, value: .null)
        case .function(let function, let arguments) where arguments.count == 2:
            guard let comparison = comparisons[function.name] else { return nil }
            if let column = columnIndex(arguments[0]), case .constant(let value, _) = arguments[1], !value.isNull {
                return ZoneMapPredicate(column: column, comparison: comparison.0, value: value)
            }
            if let column = columnIndex(arguments[1]), case .constant(let value, _) = arguments[0], !value.isNull {
                return ZoneMapPredicate(column: column, comparison: comparison.flipped, value: value)
            }
            return nil
        default:
            return nil
        }
    }

    /// The column a comparison reads directly, or through a widening cast between integer
    /// types, which keeps the order and the `Value.integer` representation of min and max.
    private static func columnIndex(_ expression: BoundExpression) -> Int? {
        switch expression {
        case .column(let index, _):
            return index
        case .cast(.column(let index, let from), let to) where from.isInteger && to.isInteger:
            return index
        default:
            return nil
        }
    }
}
