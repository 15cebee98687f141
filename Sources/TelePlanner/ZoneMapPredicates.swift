// Turns scan filters of the form `column <op> constant`, `column IN (constants)` and
// `column IS [NOT] NULL` into zone-map predicates. They let the scan skip a row group whose
// min, max and NULL count prove that no row can match. The filter itself stays, because a
// row group that is not skipped can still contain rows that fail it.

import TeleCore
import TeleExecution

enum ZoneMapPredicates {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        plan.rewriteBottomUp { node in
            guard case .scan(var scan) = node else { return nil }
            scan.zoneMapPredicates = scan.filters.flatMap(ExpressionRewriting.conjuncts).flatMap(predicates)
            return .scan(scan)
        }
    }

    private static let comparisons: [String: (ZoneMapPredicate.Comparison, flipped: ZoneMapPredicate.Comparison)] = [
        "=": (.equal, .equal), "<": (.less, .greater), "<=": (.lessOrEqual, .greaterOrEqual),
        ">": (.greater, .less), ">=": (.greaterOrEqual, .lessOrEqual),
    ]

    /// True when every conjunct of `filters` is one comparison of a bare integer, date or
    /// timestamp column with a constant, or an IS [NOT] NULL test: then the zone-map
    /// predicates say exactly what the filter says, and a row group whose exact statistics
    /// satisfy them all needs no filtering.
    static func filterIsExactlyPredicates(_ filters: [BoundExpression], types: [DataType]) -> Bool {
        let conjuncts = filters.flatMap(ExpressionRewriting.conjuncts)
        guard !conjuncts.isEmpty else { return false }
        return conjuncts.allSatisfy { conjunct in
            guard let predicate = predicate(conjunct), types.indices.contains(predicate.column) else { return false }
            let type = types[predicate.column]
            return type.isInteger || type == .date || type == .timestamp
        } && conjuncts.allSatisfy(readsColumnDirectly)
    }

    /// False for a comparison through a cast, which may fail on a row (an overflow) and so
    /// must still run.
    private static func readsColumnDirectly(_ conjunct: BoundExpression) -> Bool {
        switch conjunct {
        case .isNull(.column, _): return true
        case .function(_, let arguments) where arguments.count == 2:
            return arguments.contains { if case .column = $0 { return true } else { return false } }
        default: return false
        }
    }

    static func predicates(_ filter: BoundExpression) -> [ZoneMapPredicate] {
        if let single = predicate(filter) { return [single] }
        // `x IN (a, b, c)` can only match a row group whose range meets [min, max] of the list.
        guard case .inList(let operand, let list, negated: false) = filter, let column = columnIndex(operand) else {
            return []
        }
        var values: [Value] = []
        for item in list {
            guard case .constant(let value, _) = item, !value.isNull else { return [] }
            values.append(value)
        }
        guard let low = values.min(by: precedes), let high = values.max(by: precedes),
            values.allSatisfy({ isOrderable($0, like: low) })
        else { return [] }
        return [
            ZoneMapPredicate(column: column, comparison: .greaterOrEqual, value: low),
            ZoneMapPredicate(column: column, comparison: .lessOrEqual, value: high),
        ]
    }

    /// Returns whether two constants are of one kind that `precedes` orders.
    private static func isOrderable(_ value: Value, like other: Value) -> Bool {
        switch (value, other) {
        case (.integer, .integer), (.double, .double), (.date, .date), (.timestamp, .timestamp), (.string, .string):
            return true
        default:
            return false
        }
    }

    /// Orders constants of one kind the way zone maps compare them: numbers by value and
    /// strings by their bytes.
    private static func precedes(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)), (.date(let x), .date(let y)), (.timestamp(let x), .timestamp(let y)):
            return x < y
        case (.double(let x), .double(let y)):
            return x < y
        case (.string(let x), .string(let y)):
            return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        default:
            return false
        }
    }

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

    /// Returns the column a comparison reads directly or through a cast between integer
    /// types. Such a cast keeps the order and the `Value.integer` form of min and max.
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
