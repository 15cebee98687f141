// Building vectors one value at a time, with NULLs anywhere in long runs.

import Testing
import TeleCore

@Suite("VectorBuilder")
struct VectorBuilderTests {
    @Test("NULLs past the first vector length")
    func nullsPastDefaultCapacity() {
        var builder = VectorBuilder(type: .bigint)
        let count = Vector.defaultCapacity * 3 + 5
        for row in 0..<count {
            if row % 1000 == 0 { builder.appendNull() } else { builder.appendInt64(Int64(row)) }
        }
        let vector = builder.finish()
        #expect(vector.count == count)
        #expect(vector.validity.nullCount(count) == (count + 999) / 1000)
        #expect(vector.value(at: 6000) == .null)
        #expect(vector.value(at: 6001) == .integer(6001))
        #expect(vector.value(at: count - 1) == .integer(Int64(count - 1)))
    }
}
