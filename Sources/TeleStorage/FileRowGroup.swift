// Row groups stored in data files, read lazily: a row group keeps only where each column
// chunk lies and its statistics, and `readColumn` reads and decodes the chunk on demand,
// through the process's cache of decoded chunks.

import Synchronization
import TeleCore

/// One data file of a database directory, shared by the row groups stored in it.
///
/// A commit that stops referencing a file marks it obsolete instead of deleting it, because
/// older snapshots may still read it. The file is removed when the last row group that
/// refers to it is released. If the process dies first, the next open removes it.
final class DataFile: Sendable {
    /// Every data file starts with these 8 bytes.
    static let magic: [UInt8] = Array("TDBDATA1".utf8)

    let name: String
    let path: String
    private let obsolete = Atomic<Bool>(false)

    init(directory: String, name: String) {
        self.name = name
        self.path = directory + "/" + name
    }

    func markObsolete() {
        obsolete.store(true, ordering: .releasing)
    }

    deinit {
        ChunkCache.shared.removeAll(file: self)
        if obsolete.load(ordering: .acquiring) { FileSystem.remove(path) }
    }
}

/// The byte range of one column chunk in its data file, and the chunk's statistics.
struct StoredColumnChunk: Sendable {
    var offset: Int
    var length: Int
    var statistics: ColumnStatistics
}

final class FileRowGroup: RowGroup, Sendable {
    let file: DataFile
    let rowCount: Int
    let chunks: [StoredColumnChunk]
    let tableName: String
    let columns: [ColumnSchema]

    init(file: DataFile, rowCount: Int, chunks: [StoredColumnChunk], tableName: String, columns: [ColumnSchema]) {
        precondition(chunks.count == columns.count, "one chunk per column")
        self.file = file
        self.rowCount = rowCount
        self.chunks = chunks
        self.tableName = tableName
        self.columns = columns
    }

    func statistics(column: Int) -> ColumnStatistics {
        chunks[column].statistics
    }

    func readColumn(_ column: Int) throws -> Vector {
        if let cached = ChunkCache.shared.vector(file: file, offset: chunks[column].offset) { return cached }
        let vector = try readColumnFromFile(column)
        ChunkCache.shared.insert(vector, file: file, offset: chunks[column].offset)
        return vector
    }

    private func readColumnFromFile(_ column: Int) throws -> Vector {
        let chunk = chunks[column]
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(file.path, offset: chunk.offset, length: chunk.length)
        } catch {
            if !FileSystem.fileExists(file.path) { throw damaged("file is missing", column: column) }
            throw error
        }
        let failure: ColumnDecoder.Failure
        if bytes.count < chunk.length {
            failure = .truncated
        } else {
            let decoded = bytes.withUnsafeBytes { raw in
                Result { () throws(ColumnDecoder.Failure) in try ColumnDecoder.decode(raw, type: columns[column].type) }
            }
            switch decoded {
            case .success(let vector) where vector.count == rowCount: return vector
            case .success: failure = .invalid("row count")
            case .failure(let error): failure = error
            }
        }
        switch failure {
        case .checksumMismatch: throw damaged("checksum mismatch", column: column)
        case .truncated: throw damaged("file is truncated", column: column)
        case .invalid(let what): throw damaged("invalid \(what)", column: column)
        }
    }

    private func damaged(_ reason: String, column: Int) -> TeleError {
        TeleError(
            .dataCorrupted, "data file \"\(file.path)\" is damaged: \(reason)",
            detail: "Reading column \"\(columns[column].name)\" of table \"\(tableName)\" at byte offset \(chunks[column].offset).",
            hint: "Restore the database directory from a backup.")
    }
}
