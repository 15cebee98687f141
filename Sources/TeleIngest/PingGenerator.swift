// Deterministic generation of realistic Firefox main pings, for tests and benchmarks.
//
// Ping i of a generator depends only on the seed and i: each ping and each client draws
// from its own xoshiro256** stream seeded from (seed, kind, index). A client's fixed traits
// (id, channel, OS, locale, hardware) come from the client stream, so every ping of a client
// agrees on them, and a client sends several pings over the generated period.

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates main pings as compact JSON documents.
///
///     let generator = PingGenerator(seed: 42)
///     for document in generator.generate(count: 1000) { ... }   // [UInt8] per ping
///     try generator.writeNDJSON(count: 100_000, to: "/tmp/pings.ndjson")
public struct PingGenerator: Sendable {
    public let seed: UInt64
    /// Average pings per client; the client count is `count / pingsPerClient`, at least 1.
    public let pingsPerClient: Int
    /// The first day of the generated period, in days since 1970-01-01.
    public let firstDay: Int64
    /// The number of days over which creation dates spread.
    public let dayCount: Int

    public init(seed: UInt64, pingsPerClient: Int = 4, firstDay: Int64 = DateTime.days(year: 2024, month: 3, day: 1),
                dayCount: Int = 28) {
        precondition(pingsPerClient >= 1 && dayCount >= 1, "at least one ping per client and one day")
        self.seed = seed
        self.pingsPerClient = pingsPerClient
        self.firstDay = firstDay
        self.dayCount = dayCount
    }

    /// Returns the documents of a run of `count` pings, generated lazily in order.
    public func generate(count: Int) -> GeneratedPings {
        GeneratedPings(generator: self, count: count)
    }

    /// Ping `index` of a run of `count` pings, as compact JSON.
    public func ping(_ index: Int, of count: Int) -> [UInt8] {
        let clientCount = max(1, count / pingsPerClient)
        var random = Xoshiro256(seed: streamSeed(kind: 1, index: UInt64(index)))
        let clientIndex = random.int(in: 0...(clientCount - 1))
        var clientRandom = Xoshiro256(seed: streamSeed(kind: 2, index: UInt64(clientIndex)))
        let client = GeneratedClient(random: &clientRandom, firstDay: firstDay)
        var builder = PingContentBuilder(random: random, client: client, firstDay: firstDay, dayCount: dayCount)
        return builder.build()
    }

    /// Writes `count` pings to `path` as NDJSON, one document per line.
    ///
    /// - Throws: `TeleError` 58030 when the file cannot be created or written.
    public func writeNDJSON(count: Int, to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw TeleError(
                .ioError, "could not create file \"\(path)\": \(String(cString: strerror(errno)))",
                hint: "Check that the directory exists and is writable.")
        }
        defer { fclose(file) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == buffer.count else {
                throw TeleError(.ioError, "could not write file \"\(path)\"", hint: "Check the free disk space.")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        for index in 0..<count {
            buffer.append(contentsOf: ping(index, of: count))
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { try flush() }
        }
        try flush()
    }

    /// Returns the seed of one independent stream, mixed so that nearby indices give unrelated streams.
    private func streamSeed(kind: UInt64, index: UInt64) -> UInt64 {
        var mixer = SplitMix64(state: seed ^ (kind &* 0xD1B5_4A32_D192_ED03))
        mixer.state ^= index &* 0x9E37_79B9_7F4A_7C15
        return mixer.next()
    }
}

/// A lazily generated sequence of ping documents.
public struct GeneratedPings: Sequence, Sendable {
    let generator: PingGenerator
    public let count: Int

    public struct Iterator: IteratorProtocol {
        let generator: PingGenerator
        let count: Int
        var index = 0

        public mutating func next() -> [UInt8]? {
            guard index < count else { return nil }
            defer { index += 1 }
            return generator.ping(index, of: count)
        }
    }

    public func makeIterator() -> Iterator { Iterator(generator: generator, count: count) }

    public var underestimatedCount: Int { count }
}

/// The traits a client keeps across its pings.
struct GeneratedClient {
    var clientID: String
    var profileGroupID: String
    var channel: String
    var os: String
    var osVersion: String
    var architecture: String
    var xpcomABI: String
    var locale: String
    var cpuCount: Int
    var memoryMB: Int
    var isDefaultBrowser: Bool
    var profileCreationDay: Int64
    var distributionID: String?
    var searchEngine: String
    /// A per-client speed factor: slow machines have longer timings in every histogram.
    var slowness: Double

    init(random: inout Xoshiro256, firstDay: Int64) {
        clientID = GeneratedClient.uuid(&random)
        profileGroupID = GeneratedClient.uuid(&random)

        // Approximate shares of Firefox desktop usage by channel and OS.
        channel = ["release", "beta", "nightly", "esr"][random.weightedIndex([0.85, 0.06, 0.03, 0.06])]
        switch random.weightedIndex([0.72, 0.12, 0.16]) {
        case 0:
            os = "Windows_NT"
            osVersion = ["10.0", "6.1", "6.3"][random.weightedIndex([0.9, 0.07, 0.03])]
            architecture = random.chance(0.93) ? "x86-64" : "x86"
            xpcomABI = architecture == "x86" ? "x86-msvc" : "x86_64-msvc"
        case 1:
            os = "Darwin"
            osVersion = ["23.4.0", "22.6.0", "21.6.0", "20.6.0"][random.weightedIndex([0.45, 0.3, 0.15, 0.1])]
            architecture = random.chance(0.55) ? "aarch64" : "x86-64"
            xpcomABI = architecture == "aarch64" ? "aarch64-gcc3" : "x86_64-gcc3"
        default:
            os = "Linux"
            osVersion = ["6.5.0", "6.1.0", "5.15.0", "6.8.0"][random.weightedIndex([0.35, 0.25, 0.25, 0.15])]
            architecture = random.chance(0.97) ? "x86-64" : "aarch64"
            xpcomABI = architecture == "aarch64" ? "aarch64-gcc3" : "x86_64-gcc3"
        }

        let locales = ["en-US", "de", "fr", "es-ES", "ru", "pt-BR", "ja", "pl", "zh-CN", "it", "en-GB", "nl", "tr", "id", "uk"]
        locale = locales[random.weightedIndex([40, 10, 7, 5, 5, 5, 4, 3, 3, 3, 4, 2, 2, 2, 1])]
        cpuCount = [2, 4, 6, 8, 12, 16, 24][random.weightedIndex([0.08, 0.3, 0.12, 0.28, 0.1, 0.1, 0.02])]
        memoryMB = [2048, 4096, 8192, 16384, 32768, 65536][random.weightedIndex([0.05, 0.2, 0.35, 0.28, 0.1, 0.02])]

        isDefaultBrowser = random.chance(0.45)
        profileCreationDay = firstDay - Int64(random.int(in: 0...3000))
        distributionID = random.chance(0.9) ? nil : ["mozilla-EMEfree", "canonical", "yandex", "acer"][random.int(in: 0...3)]
        searchEngine = ["google", "bing", "ddg", "yandex", "baidu"][random.weightedIndex([0.75, 0.1, 0.08, 0.05, 0.02])]
        // Log-normal around 1 with a spread of about 40%.
        slowness = exp(0.35 * random.normal())
    }

    /// A random version 4 UUID in lower-case hex.
    static func uuid(_ random: inout Xoshiro256) -> String {
        var high = random.next()
        var low = random.next()
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC << 60)) | (0x8 << 60)
        let digits = hex(high, 16) + hex(low, 16)
        let characters = Array(digits)
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16]) + "-"
            + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }

    static func hex(_ value: UInt64, _ width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
