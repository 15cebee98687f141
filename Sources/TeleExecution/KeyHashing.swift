// Hash functions for group, DISTINCT and join keys.
//
// Byte strings are hashed 16 bytes per step with a 64x64->128-bit multiply whose halves are
// folded together (the mixing step of the wyhash family, written here from its description).
// Short strings load their bytes with overlapping reads, so no byte loop runs per row.
// Fixed-width keys (integers, dictionary ids) go through the same multiply-and-fold step.
// The hashes live only in memory: nothing stores them, so the functions may change freely.

/// Multiplies two words to 128 bits and folds the high half into the low half.
@inline(__always)
func foldedMultiply(_ left: UInt64, _ right: UInt64) -> UInt64 {
    let product = left.multipliedFullWidth(by: right)
    return product.high ^ product.low
}

private let hashSeed: UInt64 = 0xA076_1D64_78BD_642F
private let hashPrime1: UInt64 = 0xE703_7ED1_A0B4_28DB
private let hashPrime2: UInt64 = 0x8EBC_6AF0_9C88_C6E3

/// Hashes a byte string to 64 bits.
@inline(__always)
func hashBytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    var state = hashSeed ^ foldedMultiply(UInt64(truncatingIfNeeded: count) ^ hashPrime1, hashSeed)
    var first: UInt64 = 0
    var second: UInt64 = 0
    if count <= 16 {
        if count >= 8 {
            first = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            second = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            first = UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            second = UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else if count > 0 {
            // One, two or three bytes: the first, middle and last byte cover every case.
            first = UInt64(bytes[0]) << 16 | UInt64(bytes[count >> 1]) << 8 | UInt64(bytes[count - 1])
        }
    } else {
        var offset = 0
        while count - offset > 16 {
            let word0 = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let word1 = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
            state = foldedMultiply(word0 ^ hashPrime1, word1 ^ state)
            offset += 16
        }
        // The last 16 bytes may overlap bytes already mixed, which keeps the tail branch-free.
        first = bytes.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
        second = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    return foldedMultiply(hashPrime2 ^ UInt64(truncatingIfNeeded: count), foldedMultiply(first ^ hashPrime1, second ^ state))
}

/// Hashes a byte string given as a typed buffer.
@inline(__always)
func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    hashBytes(UnsafeRawBufferPointer(bytes))
}

/// Hashes an integer key to 64 bits with the finalizer of SplitMix64.
@inline(__always)
func hashInt64(_ value: Int64) -> UInt64 {
    var hash = UInt64(bitPattern: value) &+ 0x9E37_79B9_7F4A_7C15
    hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
    hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
    return hash ^ (hash >> 31)
}

/// Mixes one more key word into a running hash of fixed-width words.
@inline(__always)
func combineHash(_ state: UInt64, _ word: UInt64) -> UInt64 {
    foldedMultiply(state ^ word ^ hashPrime1, hashPrime2)
}
