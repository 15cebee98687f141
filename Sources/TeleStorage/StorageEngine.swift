// The storage engine: owns the current committed snapshot of one database, hands out
// snapshots to readers and admits one write transaction at a time.
//
// A database directory holds:
//
//   LOCK          flock'ed for the engine's whole lifetime, so one process at a time opens it
//   MANIFEST      the committed state (see Manifest.swift)
//   data-N.tdb    column chunks, one file per write transaction that added rows
//
// A commit writes a new data file, fsyncs it and the directory, writes manifest.new, fsyncs
// it, renames it over MANIFEST and fsyncs the directory again. A crash at any point leaves
// either the old or the new MANIFEST, and open removes the files the MANIFEST does not list.

import Dispatch
import Synchronization
import TeleCore

/// One open database, on disk or in memory.
///
/// Readers call `snapshot()` and keep the returned value as long as they read; it never
/// changes. Writers call `beginWrite()`, which waits while another write transaction of this
/// engine is active.
///
/// An on-disk engine keeps an exclusive `flock` on the directory's `LOCK` file from `open`
/// until the engine is released. A second process, or a second `open` of the same path in
/// this process, therefore fails with SQLSTATE 55006 at `open`, not at `beginWrite`.
public final class StorageEngine: Sendable {
    /// The maximum number of rows in a row group. Appends fill the last row group up to
    /// this size before they start a new one.
    public static let rowGroupCapacity = 65_536

    /// The database directory, or nil for an in-memory database.
    public let path: String?
    private let current: Mutex<DatabaseSnapshot>
    /// Admits one write transaction at a time.
    private let writerGate = DispatchSemaphore(value: 1)
    private let lock: FileLock?
    /// The number in the name of the next data file, `data-<number>.tdb`. It starts above
    /// every file the MANIFEST lists, so a new file never reuses a listed name.
    private let nextFileNumber: Atomic<UInt64>

    private init(path: String?, snapshot: DatabaseSnapshot, lock: FileLock?) {
        self.path = path
        self.current = Mutex(snapshot)
        self.lock = lock
        var highest = snapshot.version
        for table in snapshot.tables.values {
            for case let group as FileRowGroup in table.rowGroups {
                highest = max(highest, Self.fileNumber(group.file.name) ?? 0)
            }
        }
        nextFileNumber = Atomic(highest + 1)
    }

    private static func fileNumber(_ name: String) -> UInt64? {
        guard name.hasPrefix("data-"), name.hasSuffix(".tdb") else { return nil }
        return UInt64(name.dropFirst(5).dropLast(4))
    }

    /// Opens the database directory at `path`, creating it when missing.
    ///
    /// Reads only the MANIFEST and removes data files it does not list (left by a writer
    /// that crashed before its commit finished) and any leftover `manifest.new`.
    /// - Throws: `TeleError` 55006 when another process has the database open, XX001 when
    ///   the MANIFEST is damaged, 58030 when the directory cannot be created or read.
    public static func open(path: String) throws -> StorageEngine {
        try FileSystem.createDirectory(path)
        let lock = try FileLock(path: path + "/LOCK")
        let manifestPath = path + "/" + Manifest.fileName
        var snapshot = DatabaseSnapshot.empty
        if FileSystem.fileExists(manifestPath) {
            let bytes = try FileSystem.readAll(manifestPath)
            snapshot = try Manifest.decode(bytes, directory: path, path: manifestPath)
        }
        try removeUnlistedFiles(directory: path, snapshot: snapshot)
        return StorageEngine(path: path, snapshot: snapshot, lock: lock)
    }

    /// Creates a database that lives in memory only, with the same semantics and no files.
    public static func inMemory() -> StorageEngine {
        StorageEngine(path: nil, snapshot: .empty, lock: nil)
    }

    /// Returns the latest committed snapshot.
    ///
    /// Cheap: the mutex is held only to copy the current value, and a committing writer holds
    /// it only to swap in the new one, never while it writes files.
    public func snapshot() -> any Snapshot {
        current.withLock { $0 }
    }

    /// Starts the one write transaction, waiting while another one of this engine is active.
    ///
    /// The transaction ends with `commit()` or `rollback()`; releasing it without either
    /// rolls it back.
    public func beginWrite() throws -> WriteTransaction {
        writerGate.wait()
        return WriteTransaction(engine: self, base: current.withLock { $0 })
    }

    /// Starts the one write transaction, waiting at most `timeout` for another one of this
    /// engine to end.
    ///
    /// Two sessions on one thread need this form: the plain `beginWrite()` would wait forever
    /// for a transaction that only the waiting thread can end.
    /// - Throws: `TeleError` 55P03 when the other transaction is still active after `timeout`.
    public func beginWrite(timeout: Duration) throws -> WriteTransaction {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        let deadline = DispatchTime.now() + .nanoseconds(Int(clamping: nanoseconds))
        guard writerGate.wait(timeout: deadline) == .success else {
            throw TeleError(
                .lockNotAvailable, "could not start a write transaction: another one is active",
                detail: "Waited \(timeout) for the other write transaction to end.",
                hint: "Commit or roll back the other transaction, then retry.")
        }
        return WriteTransaction(engine: self, base: current.withLock { $0 })
    }

    /// Ends a write transaction and lets the next writer in.
    func finishWrite() {
        writerGate.signal()
    }

    /// Creates a new data file for a write transaction.
    func makePendingDataFile() throws -> PendingDataFile {
        guard let path else { preconditionFailure("an in-memory database writes no data files") }
        let number = nextFileNumber.wrappingAdd(1, ordering: .relaxed).oldValue
        return try PendingDataFile(file: DataFile(directory: path, name: "data-\(number).tdb"))
    }

    /// Makes `snapshot` the current state; called by the one active writer after a commit.
    func publish(_ snapshot: DatabaseSnapshot) {
        current.withLock { $0 = snapshot }
    }

    private static func removeUnlistedFiles(directory: String, snapshot: DatabaseSnapshot) throws {
        var listed = Set<String>()
        for table in snapshot.tables.values {
            for case let group as FileRowGroup in table.rowGroups { listed.insert(group.file.name) }
        }
        var removed = false
        for name in try FileSystem.listDirectory(directory) {
            let isDataFile = fileNumber(name) != nil
            if (isDataFile && !listed.contains(name)) || name == Manifest.temporaryName {
                FileSystem.remove(directory + "/" + name)
                removed = true
            }
        }
        if removed { try FileSystem.syncDirectory(directory) }
    }
}
