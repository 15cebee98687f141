// A view of some rows of a row group, used to run a query over only the rows an append
// added (materialized view maintenance).

import TeleCore
import TeleStorage

/// Rows `start ..< start + rowCount` of another row group.
///
/// Its statistics are those of the whole underlying group: a superset of the range's values,
/// so zone maps can still rule the group out but never skip matching rows.
public final class RowRangeGroup: RowGroup, @unchecked Sendable {
    public let base: any RowGroup
    public let start: Int
    public let rowCount: Int

    public init(base: any RowGroup, start: Int, rowCount: Int) {
        precondition(start >= 0 && rowCount >= 0 && start + rowCount <= base.rowCount, "row range outside its group")
        self.base = base
        self.start = start
        self.rowCount = rowCount
    }

    public func statistics(column: Int) -> ColumnStatistics {
        base.statistics(column: column)
    }

    public func readColumn(_ column: Int) throws -> Vector {
        let vector = try base.readColumn(column)
        return start == 0 && rowCount == vector.count ? vector : vector.slice(start, rowCount)
    }

    /// Returns the row groups of `table` that hold rows `from ..< table.rowCount`, in order.
    public static func rows(of table: TableData, from first: Int) -> [any RowGroup] {
        var groups: [any RowGroup] = []
        var position = 0
        for group in table.rowGroups {
            let end = position + group.rowCount
            if end > first {
                let skip = max(first - position, 0)
                groups.append(skip == 0 ? group : RowRangeGroup(base: group, start: skip, rowCount: group.rowCount - skip))
            }
            position = end
        }
        return groups
    }
}
