// array_agg(x [ORDER BY ...]) and string_agg(x, sep ORDER BY ...): aggregates that collect
// each group's values with their sort keys and order them when the group is finalized.
// array_agg returns PostgreSQL's array text (`{a,b,NULL}`), because TeleDB has no array type.

import TeleCore

/// Builders for the aggregates whose result depends on an ORDER BY inside the call.
public enum PGOrderedAggregates {
    /// The form the collected values are returned in.
    public enum Output: Sendable {
        /// Array text with NULL elements kept, as array_agg returns.
        case arrayText
        /// The non-NULL values joined, each preceded by its own row's separator except the
        /// first, as string_agg returns.
        case joinedText
    }

    /// Makes the aggregate. Its arguments are the value as VARCHAR, the separator as VARCHAR
    /// for `.joinedText`, then one argument per sort key.
    public static func make(
        name: String, output: Output, keyTypes: [DataType], ascending: [Bool], nullsFirst: [Bool]
    ) -> AggregateFunction {
        let leading: [DataType] = output == .arrayText ? [.varchar] : [.varchar, .varchar]
        return AggregateFunction(name: name, argumentTypes: leading + keyTypes, returnType: .varchar) {
            OrderedCollectState(output: output, keyCount: keyTypes.count, ascending: ascending, nullsFirst: nullsFirst)
        }
    }
}

extension PGOrderedAggregates.Output: Equatable {}

/// One collected row: its value, separator and sort keys.
private struct CollectedRow {
    var value: Value
    var separator: Value
    var keys: [Value]
}

final class OrderedCollectState: AggregateState {
    let output: PGOrderedAggregates.Output
    let keyCount: Int
    let ascending: [Bool]
    let nullsFirst: [Bool]
    private var groups: [[CollectedRow]] = []

    init(output: PGOrderedAggregates.Output, keyCount: Int, ascending: [Bool], nullsFirst: [Bool]) {
        self.output = output
        self.keyCount = keyCount
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    func resize(groupCount: Int) {
        guard groupCount > groups.count else { return }
        groups.append(contentsOf: repeatElement([], count: groupCount - groups.count))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let keyStart = output == .arrayText ? 1 : 2
        for row in 0..<count {
            let value = arguments[0].value(at: row)
            if output == .joinedText && value.isNull { continue }
            let separator = output == .joinedText ? arguments[1].value(at: row) : .null
            let keys = (0..<keyCount).map { arguments[keyStart + $0].value(at: row) }
            groups[Int(groupIds[row])].append(CollectedRow(value: value, separator: separator, keys: keys))
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        guard let other = other as? OrderedCollectState else {
            throw TeleError.internalError("ordered aggregate combined with a state of another kind")
        }
        for (group, target) in mapping.enumerated() { groups[Int(target)] += other.groups[group] }
    }

    func finalize() throws -> Vector {
        var builder = VectorBuilder(type: .varchar, capacity: groups.count)
        for rows in groups {
            guard !rows.isEmpty else {
                builder.appendNull()
                continue
            }
            // Swift does not document its sort as stable, so ties compare by input position.
            let ordered = rows.enumerated().sorted { precedes($0.element, $1.element, $0.offset, $1.offset) }.map(\.element)
            builder.appendString(text(of: ordered))
        }
        return builder.finish()
    }

    private func text(of rows: [CollectedRow]) -> String {
        switch output {
        case .arrayText:
            return PGArrayText.text(of: rows.map(\.value.text))
        case .joinedText:
            var text = ""
            for (index, row) in rows.enumerated() {
                if index > 0, let separator = row.separator.text { text += separator }
                text += row.value.text ?? ""
            }
            return text
        }
    }

    private func precedes(_ a: CollectedRow, _ b: CollectedRow, _ aIndex: Int, _ bIndex: Int) -> Bool {
        for key in 0..<keyCount {
            let left = a.keys[key]
            let right = b.keys[key]
            if left.isNull || right.isNull {
                if left.isNull && right.isNull { continue }
                // NULLs sort last when ascending and first when descending, unless NULLS
                // FIRST or NULLS LAST sets the order.
                return left.isNull == nullsFirst[key]
            }
            let order = ValueOrder.compare(left, right) ?? 0
            if order != 0 { return ascending[key] ? order < 0 : order > 0 }
        }
        return aIndex < bIndex
    }
}

extension TableFunctionRegistry {
    /// Makes a table function whose rows come from `rows`, for rows the planner computes,
    /// such as those of a recursive CTE.
    public static func computed(
        name: String, argumentType: DataType = .varchar, columnNames: [String], columnTypes: [DataType],
        rows: @escaping @Sendable (Value) throws -> [[Value]]
    ) -> TableFunction {
        TableFunction(name: name, argumentType: argumentType, columnNames: columnNames, columnTypes: columnTypes, rows: rows)
    }
}
