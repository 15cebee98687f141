// The cache of decoded column chunks: hits return the stored vector, the least recently used
// chunks leave first once the budget is exceeded, and a released file takes its chunks along.

import Testing
import TeleCore

@testable import TeleStorage

@Suite struct ChunkCacheTests {
    static func vector(_ rows: Int, value: Int64) -> Vector {
        Vector(type: .bigint, storage: .int64([Int64](repeating: value, count: rows)), count: rows)
    }

    @Test func hitReturnsTheStoredChunk() throws {
        let cache = ChunkCache(budget: 1 << 20)
        let file = DataFile(directory: "/nonexistent", name: "a")
        #expect(cache.vector(file: file, offset: 8) == nil)
        cache.insert(Self.vector(100, value: 7), file: file, offset: 8)
        let hit = try #require(cache.vector(file: file, offset: 8))
        #expect(hit.value(at: 99) == .integer(7))
        #expect(cache.vector(file: file, offset: 16) == nil)
        #expect(cache.totalBytes == 800)
    }

    @Test func leastRecentlyUsedLeavesFirst() {
        // Room for four chunks of 8,000 bytes; the fifth insert evicts down to 3/4 of it.
        let cache = ChunkCache(budget: 32_000)
        let file = DataFile(directory: "/nonexistent", name: "b")
        for offset in 0..<4 { cache.insert(Self.vector(1000, value: Int64(offset)), file: file, offset: offset) }
        _ = cache.vector(file: file, offset: 0)
        cache.insert(Self.vector(1000, value: 4), file: file, offset: 4)
        #expect(cache.vector(file: file, offset: 0) != nil)
        #expect(cache.vector(file: file, offset: 1) == nil)
        #expect(cache.vector(file: file, offset: 4) != nil)
        #expect(cache.totalBytes <= 24_000)
    }

    @Test func releasedFileTakesItsChunks() {
        let cache = ChunkCache(budget: 1 << 20)
        var file: DataFile? = DataFile(directory: "/nonexistent", name: "c")
        cache.insert(Self.vector(10, value: 1), file: file!, offset: 0)
        cache.removeAll(file: file!)
        #expect(cache.totalBytes == 0)
        file = nil
    }

    @Test func oversizedChunkIsNotKept() {
        let cache = ChunkCache(budget: 4000)
        let file = DataFile(directory: "/nonexistent", name: "d")
        cache.insert(Self.vector(1000, value: 1), file: file, offset: 0)
        #expect(cache.vector(file: file, offset: 0) == nil)
        #expect(cache.totalBytes == 0)
    }
}
