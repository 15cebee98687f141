// The embedded database: one storage engine plus what sessions share.
//
// A `Database` is opened once per process and shared; each user or client gets a `Session`,
// which keeps its own transaction state. The storage engine serializes writers and gives
// readers immutable snapshots, so sessions on different threads need no other locking.

import Foundation
import Synchronization
import TeleCore
import TeleStorage

public final class Database: Sendable {
    let storage: StorageEngine
    /// The table of each index accepted by CREATE INDEX. A columnar scan never needs an
    /// index to run a query, so they only make DROP INDEX, DROP TABLE and IF NOT EXISTS
    /// behave as users expect.
    /// NOTE: index names live in memory only and are gone after a restart.
    let indexTables = Mutex<[String: String]>([:])

    init(storage: StorageEngine) {
        self.storage = storage
    }

    /// Opens the database directory at `path`, creating it when missing.
    ///
    /// - Throws: `TeleError` when the directory cannot be created or its manifest is damaged.
    public static func open(path: String) throws -> Database {
        // The default database's folder is TeleDB's own to create.
        try open(path: path, createParents: expandTilde(path) == defaultPath)
    }

    /// Opens a database; without `createParents`, only the database folder itself is
    /// created, so a mistyped parent is an error rather than a new empty database elsewhere.
    static func open(path: String, createParents: Bool) throws -> Database {
        let expanded = expandTilde(path)
        let parent = (expanded as NSString).deletingLastPathComponent
        if createParents {
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        var isFolder: ObjCBool = false
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) || !isFolder.boolValue {
            throw TeleError(
                .ioError, "could not open database \"\(path)\": folder \"\(parent)\" does not exist",
                hint: "Check the path, or create the folder first.")
        }
        return Database(storage: try StorageEngine.open(path: expanded))
    }

    /// Creates a database that lives in memory only and is gone when the last reference is.
    public static func inMemory() -> Database {
        Database(storage: StorageEngine.inMemory())
    }

    /// Where `teledb` keeps its database when no path is given: `$TELEDB_HOME/default.tdb`,
    /// else `~/.local/share/teledb/default.tdb`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["TELEDB_HOME"], !home.isEmpty { return home + "/default.tdb" }
        let userHome = environment["HOME"] ?? NSHomeDirectory()
        return userHome + "/.local/share/teledb/default.tdb"
    }

    /// The directory of an on-disk database; nil in memory.
    public var path: String? { storage.path }

    public func connect() -> Session {
        Session(database: self)
    }

    static func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
