// Writes one commit of an on-disk database: the remaining row groups to the transaction's
// data file, then the new MANIFEST, in the order that keeps the directory consistent under
// a crash.
//
//   1. append every row group still in memory to the data file; fsync it and the directory
//   2. write manifest.new, fsync it, rename it over MANIFEST, fsync the directory
//   3. mark data files that the new MANIFEST no longer lists as obsolete
//
// Until the rename in step 2 the old MANIFEST is in force, and the new data file is a stray
// that the next open removes. After the rename the new state is in force.

import TeleCore

struct CommitWriter {
    let directory: String
    let previous: DatabaseSnapshot
    var next: DatabaseSnapshot
    /// The transaction's data file when it already wrote full row groups to it.
    var pending: PendingDataFile?
    /// Creates the transaction's data file when `pending` is nil and row groups need one.
    var makeDataFile: () throws -> PendingDataFile

    /// Writes the commit and returns `next` with its in-memory row groups replaced by row
    /// groups that read from the data file.
    ///
    /// - Throws: `TeleError` 58030 when a write, fsync or rename fails. The data file and
    ///   manifest.new are then removed and the old MANIFEST stays in force.
    func write() throws -> DatabaseSnapshot {
        var dataFile = pending
        let manifestPath = directory + "/" + Manifest.fileName
        let temporaryPath = directory + "/" + Manifest.temporaryName
        var committed = next
        do {
            for name in next.tableNames {
                guard var table = next.tables[name] else { continue }
                for index in table.rowGroups.indices {
                    guard let group = table.rowGroups[index] as? MemoryRowGroup else { continue }
                    let target = try dataFile ?? makeDataFile()
                    dataFile = target
                    table.rowGroups[index] = try target.store(group, schema: table.schema)
                }
                committed.tables[name] = table
            }
            if let dataFile {
                try dataFile.finish()
                try FileSystem.syncDirectory(directory)
            }
            try FileSystem.writeDurably(temporaryPath, Manifest.encode(committed))
            try FileSystem.rename(temporaryPath, to: manifestPath)
        } catch {
            FileSystem.remove(temporaryPath)
            dataFile?.discard()
            throw error
        }
        // NOTE: the rename has made the commit visible, so a failed directory fsync is not
        // reported as a failed commit. The rename may then be lost on a power failure.
        try? FileSystem.syncDirectory(directory)

        markObsoleteFiles(committed: committed, written: dataFile?.file)
        return committed
    }

    /// Marks the data files of `previous` that `committed` no longer uses, so each is removed
    /// once no snapshot reads it. The transaction's own file `written` counts too, because
    /// every row group in it may have been removed again (by DROP TABLE, for example).
    private func markObsoleteFiles(committed: DatabaseSnapshot, written: DataFile?) {
        var kept = Set<ObjectIdentifier>()
        for table in committed.tables.values {
            for case let group as FileRowGroup in table.rowGroups { kept.insert(ObjectIdentifier(group.file)) }
        }
        for table in previous.tables.values {
            for case let group as FileRowGroup in table.rowGroups where !kept.contains(ObjectIdentifier(group.file)) {
                group.file.markObsolete()
            }
        }
        if let written, !kept.contains(ObjectIdentifier(written)) { written.markObsolete() }
    }
}
