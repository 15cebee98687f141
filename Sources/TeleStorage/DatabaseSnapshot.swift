// The one implementation of `Snapshot`: a value holding the tables and views of one
// committed state (or of a write transaction's state, for its own statements).

import TeleCore

struct DatabaseSnapshot: Snapshot {
    var version: UInt64
    var tables: [String: TableData]
    var views: [String: ViewDefinition]

    static let empty = DatabaseSnapshot(version: 0, tables: [:], views: [:])

    /// Sorted, so that listings do not depend on hashing order.
    var tableNames: [String] { tables.keys.sorted() }

    func table(_ name: String) -> TableData? { tables[name] }

    var viewNames: [String] { views.keys.sorted() }

    func view(_ name: String) -> ViewDefinition? { views[name] }
}
