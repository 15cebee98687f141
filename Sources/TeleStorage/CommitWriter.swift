// Writes one commit of an on-disk database: the new row groups to a new data file, then the
// new MANIFEST, in the order that keeps the directory consistent under a crash.
//
//   1. encode every row group the transaction built and write them to data-<version>.tdb;
//      fsync the file and the directory
//   2. write manifest.new, fsync it, rename it over MANIFEST, fsync the directory
//   3. mark data files that the new MANIFEST no longer lists as obsolete
//
// Until the rename in step 2 the old MANIFEST is in force and the new data file is a stray
// that the next open removes; after it, the new state is.

import Dispatch
import Synchronization
import TeleCore

struct CommitWriter {
    let directory: String
    let previous: DatabaseSnapshot
    var next: DatabaseSnapshot

    /// Writes the commit and returns `next` with its in-memory row groups replaced by row
    /// groups that read from the new data file.
    ///
    /// - Throws: `TeleError` 58030 when a write, fsync or rename fails; the files this
    ///   commit created are removed and the old MANIFEST stays in force.
    func write() throws -> DatabaseSnapshot {
        let file = DataFile(directory: directory, name: "data-\(next.version).tdb")
        var committed = next
        var bytes = DataFile.magic
        var wroteGroups = false

        for name in next.tableNames {
            guard var table = next.tables[name] else { continue }
            for index in table.rowGroups.indices {
                guard let group = table.rowGroups[index] as? MemoryRowGroup else { continue }
                table.rowGroups[index] = store(group, schema: table.schema, file: file, into: &bytes)
                wroteGroups = true
            }
            committed.tables[name] = table
        }

        let manifestPath = directory + "/" + Manifest.fileName
        let temporaryPath = directory + "/" + Manifest.temporaryName
        do {
            if wroteGroups {
                try FileSystem.writeDurably(file.path, bytes)
                try FileSystem.syncDirectory(directory)
            }
            try FileSystem.writeDurably(temporaryPath, Manifest.encode(committed))
            try FileSystem.rename(temporaryPath, to: manifestPath)
        } catch {
            FileSystem.remove(temporaryPath)
            if wroteGroups { FileSystem.remove(file.path) }
            throw error
        }
        // NOTE: the rename has made the commit visible, so a failed directory fsync is not
        // reported as a failed commit; it only leaves the rename exposed to a power loss.
        try? FileSystem.syncDirectory(directory)

        markObsoleteFiles(committed: committed)
        return committed
    }

    /// Encodes the columns of `group` (in parallel) and appends them to `bytes`.
    private func store(_ group: MemoryRowGroup, schema: TableSchema, file: DataFile, into bytes: inout [UInt8])
        -> FileRowGroup
    {
        let columnCount = schema.columns.count
        let encoded = Mutex([[UInt8]](repeating: [], count: columnCount))
        DispatchQueue.concurrentPerform(iterations: columnCount) { column in
            let vector = group.columns[column].vector
            let stored = ColumnEncoder.encode(vector)
            encoded.withLock { $0[column] = stored }
        }
        let columns = encoded.withLock { $0 }
        var chunks: [StoredColumnChunk] = []
        for column in 0..<columnCount {
            chunks.append(
                StoredColumnChunk(
                    offset: bytes.count, length: columns[column].count, statistics: group.statistics(column: column)))
            bytes.append(contentsOf: columns[column])
        }
        return FileRowGroup(
            file: file, rowCount: group.rowCount, chunks: chunks, tableName: schema.name, columns: schema.columns)
    }

    /// Marks the data files of `previous` that `committed` no longer uses, so each is removed
    /// once no snapshot reads it.
    private func markObsoleteFiles(committed: DatabaseSnapshot) {
        var kept = Set<ObjectIdentifier>()
        for table in committed.tables.values {
            for case let group as FileRowGroup in table.rowGroups { kept.insert(ObjectIdentifier(group.file)) }
        }
        for table in previous.tables.values {
            for case let group as FileRowGroup in table.rowGroups where !kept.contains(ObjectIdentifier(group.file)) {
                group.file.markObsolete()
            }
        }
    }
}
