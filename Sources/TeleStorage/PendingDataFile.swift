// The data file a write transaction of an on-disk database writes its row groups to.
//
// Row groups that fill up during the transaction are encoded and appended at once, so a
// large ingest keeps at most one partly filled row group per table in memory. The commit
// appends the rest, fsyncs the file and lists it in the new MANIFEST. A rollback or a failed
// commit removes the file. Until the commit, no MANIFEST lists the file, so after a crash
// the next open removes it.

import Dispatch
import Glibc
import Synchronization
import TeleCore

final class PendingDataFile {
    let file: DataFile
    private var descriptor: Int32
    /// The file's size so far, which is the offset of the next append.
    private(set) var size = 0

    /// Creates the file and writes its header.
    init(file: DataFile) throws {
        self.file = file
        descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystem.ioError("create file", file.path) }
        do {
            _ = try append(DataFile.magic)
        } catch {
            discard()
            throw error
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends `bytes` and returns the offset they start at.
    ///
    /// Writes at an explicit offset, so after a failed append the next one overwrites the
    /// partial bytes instead of following them.
    func append(_ bytes: [UInt8]) throws -> Int {
        let offset = size
        try bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(offset + written))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw FileSystem.ioError("write file", file.path) }
                written += result
            }
        }
        size += bytes.count
        return offset
    }

    /// Encodes `group` and appends it, returning a row group that reads it from this file.
    func store(_ group: MemoryRowGroup, schema: TableSchema) throws -> FileRowGroup {
        let columns = RowGroupEncoder.encodeColumns(of: group)
        var chunks: [StoredColumnChunk] = []
        for (index, bytes) in columns.enumerated() {
            let offset = try append(bytes)
            chunks.append(StoredColumnChunk(offset: offset, length: bytes.count, statistics: group.statistics(column: index)))
        }
        return FileRowGroup(
            file: file, rowCount: group.rowCount, chunks: chunks, tableName: schema.name, columns: schema.columns)
    }

    /// Fsyncs and closes the file.
    func finish() throws {
        let result = fsync(descriptor)
        let errorNumber = errno
        close(descriptor)
        descriptor = -1
        guard result == 0 else { throw FileSystem.ioError("fsync file", file.path, errorNumber: errorNumber) }
    }

    /// Closes and removes the file.
    func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        FileSystem.remove(file.path)
    }
}

/// Encodes the columns of a row group, several columns at once.
enum RowGroupEncoder {
    static func encodeColumns(of group: MemoryRowGroup) -> [[UInt8]] {
        let columnCount = group.columns.count
        let encoded = Mutex([[UInt8]](repeating: [], count: columnCount))
        DispatchQueue.concurrentPerform(iterations: columnCount) { column in
            let stored = ColumnEncoder.encode(group.columns[column].vector)
            encoded.withLock { $0[column] = stored }
        }
        return encoded.withLock { $0 }
    }
}
