// Table and column descriptions shared by storage, ingest and the planner.

public struct ColumnSchema: Hashable, Sendable {
    public var name: String
    public var type: DataType
    public var notNull: Bool

    public init(name: String, type: DataType, notNull: Bool = false) {
        self.name = name
        self.type = type
        self.notNull = notNull
    }
}

public struct TableSchema: Hashable, Sendable {
    /// Lower-cased unless the user quoted it.
    public var name: String
    public var columns: [ColumnSchema]

    public init(name: String, columns: [ColumnSchema]) {
        self.name = name
        self.columns = columns
    }

    /// The position of the column called `name`, compared case-sensitively.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}
