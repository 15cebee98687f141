// Small value types that the planner hands to physical operators: sort keys, join kinds,
// set-operation kinds, aggregate calls and the zone-map predicates a scan uses to skip row
// groups.

import TeleCore
import TeleStorage

/// One ORDER BY key.
public struct SortKey: Sendable {
    public var expression: BoundExpression
    public var ascending: Bool
    /// Whether NULLs come before every value. SQL's default is true for DESC, false for ASC.
    public var nullsFirst: Bool

    public init(expression: BoundExpression, ascending: Bool, nullsFirst: Bool) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// The kinds of join. `left` keeps unmatched probe (left) rows, `right` keeps unmatched build
/// (right) rows; `semi` and `anti` output only the probe side.
public enum JoinType: Sendable, Hashable {
    case inner, left, right, full, semi, anti
}

/// UNION, INTERSECT or EXCEPT.
public enum SetOperationKind: Sendable, Hashable {
    case union, intersect, except
}

/// One aggregate call of a GROUP BY, such as `count(DISTINCT x) FILTER (WHERE y > 0)`.
public struct BoundAggregate: Sendable {
    public var function: AggregateFunction
    /// The argument expressions; empty for `count(*)`.
    public var arguments: [BoundExpression]
    public var distinct: Bool
    /// Rows for which this predicate is not true are left out of this aggregate only.
    public var filter: BoundExpression?

    public init(function: AggregateFunction, arguments: [BoundExpression], distinct: Bool, filter: BoundExpression?) {
        self.function = function
        self.arguments = arguments
        self.distinct = distinct
        self.filter = filter
    }
}

/// A comparison of one scan output column with a constant, which lets a scan skip a whole
/// row group when the group's min, max and NULL count prove that no row can match.
public struct ZoneMapPredicate: Sendable {
    public enum Comparison: Sendable, Hashable {
        case equal, less, lessOrEqual, greater, greaterOrEqual, isNull, isNotNull
    }

    /// The position among the scan's output columns.
    public var column: Int
    public var comparison: Comparison
    /// The constant on the right-hand side; ignored for `isNull` and `isNotNull`.
    public var value: Value

    public init(column: Int, comparison: Comparison, value: Value) {
        self.column = column
        self.comparison = comparison
        self.value = value
    }

    /// Returns false when no row of a column with these statistics can satisfy the predicate.
    public func mayMatch(_ statistics: ColumnStatistics, rowCount: Int) -> Bool {
        switch comparison {
        case .isNull: return statistics.nullCount > 0
        case .isNotNull: return statistics.nullCount < rowCount
        default: break
        }
        if value.isNull { return false }
        // A column whose values are all NULL matches no comparison.
        if statistics.nullCount >= rowCount { return false }
        guard let minimum = statistics.min, let maximum = statistics.max,
            let lowOrder = ValueOrder.compare(minimum, value), let highOrder = ValueOrder.compare(maximum, value)
        else { return true }
        switch comparison {
        case .equal: return lowOrder <= 0 && highOrder >= 0
        case .less: return lowOrder < 0
        case .lessOrEqual: return lowOrder <= 0
        case .greater: return highOrder > 0
        case .greaterOrEqual: return highOrder >= 0
        case .isNull, .isNotNull: return true
        }
    }

    /// Returns true when every row of a column with these statistics satisfies the predicate,
    /// so that a scan may skip testing it. Only exact statistics may prove that, so callers
    /// use it for columns whose min and max are kept exactly (integers, dates, timestamps).
    public func mustMatch(_ statistics: ColumnStatistics, rowCount: Int) -> Bool {
        switch comparison {
        case .isNull: return statistics.nullCount >= rowCount
        case .isNotNull: return statistics.nullCount == 0
        default: break
        }
        guard !value.isNull, statistics.nullCount == 0, let minimum = statistics.min, let maximum = statistics.max,
            let lowOrder = ValueOrder.compare(minimum, value), let highOrder = ValueOrder.compare(maximum, value)
        else { return false }
        switch comparison {
        case .equal: return lowOrder == 0 && highOrder == 0
        case .less: return highOrder < 0
        case .lessOrEqual: return highOrder <= 0
        case .greater: return lowOrder > 0
        case .greaterOrEqual: return lowOrder >= 0
        case .isNull, .isNotNull: return false
        }
    }
}
