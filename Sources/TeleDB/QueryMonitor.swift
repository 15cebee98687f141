// Progress and cancellation of the statement a session is running.
//
// The facade hands the planner a snapshot whose row groups report each first read to the
// session's monitor and check its cancel flag, so neither the planner nor the operators need
// to know about either. Another thread (the shell's progress timer, a server's cancel
// request) reads the progress and calls `cancel()`.

import Synchronization
import TeleCore
import TeleExecution
import TeleStorage

/// The progress of the running statement, safe to read and cancel from any thread.
public final class QueryMonitor: QueryCancellation {
    private let cancelRequested = Atomic<Bool>(false)
    private let rowsRead = Atomic<Int>(0)
    private let rowsTotal = Atomic<Int>(0)
    private let text = Mutex("")

    init() {}

    /// Asks the running statement to stop; it fails with SQLSTATE 57014 at its next read.
    public func cancel() {
        cancelRequested.store(true, ordering: .sequentiallyConsistent)
    }

    /// The text of the running or last statement, with any password masked.
    public var statementText: String {
        text.withLock { $0 }
    }

    func setStatementText(_ statementText: String) {
        text.withLock { $0 = statementText }
    }

    /// Rows of the row groups read so far, and rows of every table the statement reads.
    ///
    /// Row groups that zone maps skip are never read, so `done` may stay below `total`.
    public var progress: (done: Int, total: Int) {
        (rowsRead.load(ordering: .relaxed), rowsTotal.load(ordering: .relaxed))
    }

    /// Clears the counters and any cancel request left from an earlier statement.
    func reset() {
        cancelRequested.store(false, ordering: .sequentiallyConsistent)
        rowsRead.store(0, ordering: .relaxed)
        rowsTotal.store(0, ordering: .relaxed)
    }

    func addTotal(_ rows: Int) {
        rowsTotal.add(rows, ordering: .relaxed)
    }

    func addRead(_ rows: Int) {
        rowsRead.add(rows, ordering: .relaxed)
    }

    /// Throws the cancellation error when `cancel()` was called.
    public func checkCancelled() throws {
        if cancelRequested.load(ordering: .sequentiallyConsistent) {
            throw TeleError(.queryCanceled, "canceling statement due to user request")
        }
    }
}

/// A snapshot whose row groups report reads to a monitor.
struct MonitoredSnapshot: Snapshot {
    let base: any Snapshot
    let monitor: QueryMonitor

    var version: UInt64 { base.version }
    var tableNames: [String] { base.tableNames }
    var viewNames: [String] { base.viewNames }
    func view(_ name: String) -> ViewDefinition? { base.view(name) }

    func table(_ name: String) -> TableData? {
        guard var table = base.table(name) else { return nil }
        monitor.addTotal(table.rowCount)
        table.rowGroups = table.rowGroups.map { MonitoredRowGroup(base: $0, monitor: monitor) }
        return table
    }
}

/// A row group that checks for cancellation before each column read and counts its rows as
/// read on the first one.
final class MonitoredRowGroup: RowGroup {
    let base: any RowGroup
    let monitor: QueryMonitor
    private let counted = Atomic<Bool>(false)

    init(base: any RowGroup, monitor: QueryMonitor) {
        self.base = base
        self.monitor = monitor
    }

    var rowCount: Int { base.rowCount }

    func statistics(column: Int) -> ColumnStatistics { base.statistics(column: column) }

    func readColumn(_ column: Int) throws -> Vector {
        try monitor.checkCancelled()
        if !counted.exchange(true, ordering: .relaxed) { monitor.addRead(base.rowCount) }
        return try base.readColumn(column)
    }
}
