// REAL columns of a query result, rewritten so that every text output prints a 32-bit
// float's own shortest digits.
//
// Vectors keep REAL values as the exact Double of the 32-bit float, so 0.1::real reaches the
// result as 0.10000000149011612, and the shell, the -c output and the wire server format
// every float with Double's shortest round-trip digits. PostgreSQL prints REAL with the
// shortest digits that read back as the same 32-bit float (`0.1`). Replacing each value with
// the Double nearest to those digits makes every formatter print them.

import TeleCore

extension StatementResult {
    /// Returns the result with each finite REAL value replaced by the Double nearest to its
    /// shortest 32-bit decimal form; other columns are unchanged.
    ///
    /// NOTE: the Swift API's `rows` return `.double(0.1)` for `0.1::real`, not the widened
    /// float. Converting that Double to Float gives back the stored float unless the digits
    /// lie within half a Double ulp of a Float rounding midpoint.
    func withShortestRealDigits() -> StatementResult {
        guard columns.contains(where: { $0.type == .real }) else { return self }
        var result = self
        result.chunks = chunks.map { chunk in
            DataChunk(columns: chunk.columns.map(Self.shortestRealDigits), count: chunk.count)
        }
        return result
    }

    private static func shortestRealDigits(_ vector: Vector) -> Vector {
        guard vector.type == .real else { return vector }
        switch vector.storage {
        case .double(let values):
            let rewritten = values.map(shortestDecimal)
            return Vector(type: .real, storage: .double(rewritten), validity: vector.validity, count: vector.count)
        case .constant(.double(let value)):
            return Vector.constant(.double(shortestDecimal(value)), type: .real, count: vector.count)
        default:
            return vector
        }
    }

    /// Returns the Double nearest to the shortest decimal digits of `value` as a 32-bit float.
    private static func shortestDecimal(_ value: Double) -> Double {
        let single = Float(value)
        guard single.isFinite else { return value }
        return Double(single.description) ?? value
    }
}
