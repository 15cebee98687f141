// Decoded column chunks kept across queries, so a dashboard that repeats a query, or a point
// query whose zone maps leave one row group, does not read, check and decompress the same
// chunk again.
//
// Data files never change after they are written (a commit writes new files), so a chunk
// decoded once stays valid for as long as its file exists. Entries are keyed by the file
// object, not its path, and leave the cache when the file object goes away, so a file
// name used again later never returns old data. The cache keeps at most a fixed number of
// bytes and evicts the least recently used chunks beyond that.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization
import TeleCore

final class ChunkCache: Sendable {
    /// The cache every database of the process shares.
    static let shared = ChunkCache(budget: defaultBudget)

    /// A quarter of the machine's memory, and at least 256 MB. Decoded columns are larger
    /// than their compressed files, and a cache smaller than a query's working set is
    /// emptied by every run of it, which then decompresses and checks everything again.
    static var defaultBudget: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 256 << 20 }
        return max(256 << 20, pages * pageSize / 4)
    }

    private struct Key: Hashable {
        let file: ObjectIdentifier
        let offset: Int
    }

    private struct Entry {
        let vector: Vector
        let bytes: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var totalBytes = 0
        var clock: UInt64 = 0
    }

    let budget: Int
    private let state = Mutex(State())

    init(budget: Int) { self.budget = budget }

    func vector(file: DataFile, offset: Int) -> Vector? {
        state.withLock { state in
            let key = Key(file: ObjectIdentifier(file), offset: offset)
            guard var entry = state.entries[key] else { return nil }
            state.clock &+= 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.vector
        }
    }

    func insert(_ vector: Vector, file: DataFile, offset: Int) {
        let bytes = Self.estimatedBytes(vector)
        // A chunk larger than a quarter of the budget would evict too much to be worth it.
        guard bytes <= budget / 4 else { return }
        state.withLock { state in
            let key = Key(file: ObjectIdentifier(file), offset: offset)
            if let old = state.entries[key] { state.totalBytes -= old.bytes }
            state.clock &+= 1
            state.entries[key] = Entry(vector: vector, bytes: bytes, lastUse: state.clock)
            state.totalBytes += bytes
            if state.totalBytes > budget { evict(&state) }
        }
    }

    /// Drops every chunk of `file`; called when the file object is released.
    func removeAll(file: DataFile) {
        let identifier = ObjectIdentifier(file)
        state.withLock { state in
            for (key, entry) in state.entries where key.file == identifier {
                state.entries[key] = nil
                state.totalBytes -= entry.bytes
            }
        }
    }

    var totalBytes: Int { state.withLock { $0.totalBytes } }

    /// Evicts the least recently used entries until the cache is at 3/4 of its budget, so
    /// one eviction pays for many inserts.
    private func evict(_ state: inout State) {
        let oldestFirst = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }
        for (key, entry) in oldestFirst {
            if state.totalBytes <= budget / 4 * 3 { break }
            state.entries[key] = nil
            state.totalBytes -= entry.bytes
        }
    }

    static func estimatedBytes(_ vector: Vector) -> Int {
        let rows = vector.count
        switch vector.storage {
        case .bool: return rows
        case .int64, .double: return rows * 8
        case .interval: return rows * 16
        case .string(let column): return column.bytes.count + column.offsets.count * 4
        case .dictionary(let codes, let dictionary):
            return codes.count * 4 + dictionary.bytes.count + dictionary.offsets.count * 4
        case .histogram(let histograms):
            return histograms.reduce(rows * 96) { $0 + ($1.entryCount + $1.customBoundCount) * 16 }
        case .constant: return 64
        }
    }
}
