// The benchmark data set: flat telemetry tables written as CSV, for TeleDB and for the peer
// engines that the benchmark suite compares it with.
//
// Three tables come out of one run. `pings` has one row per ping, with the client's traits
// and a dozen numeric measures. `histograms` is the long form of a few real Firefox
// histograms: one row per ping, metric and non-empty bucket. `histogram_values` carries the
// same histograms whole, one JSON value per ping and metric, which TeleDB's CSV reader loads
// into a HISTOGRAM column. Each table is split into numbered files of at most
// `pingsPerFile` pings (`pings-001.csv`, ...), because TeleDB's COPY reads a whole file into
// memory and the long table of 10 million pings is about 10 GB. Pings are written in submission-date order, as a
// pipeline that ingests one day after another would store them. Ping i depends only on the
// seed and i, and client c only on the seed and c, so the same seed writes the same bytes.

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the benchmark tables for `pingCount` pings.
///
///     let summary = try BenchmarkDataset(pingCount: 1_000_000, seed: 1).write(to: "Bench/data")
public struct BenchmarkDataset: Sendable {
    public let pingCount: Int
    public let seed: UInt64
    /// The first submission date, in days since 1970-01-01.
    public let firstDay: Int64
    /// The number of days over which submission dates spread.
    public let dayCount: Int
    /// The maximum number of pings whose rows go into one file of each table.
    public let pingsPerFile: Int

    /// The metrics of the histogram tables, with the share of pings that carry each.
    static let metrics: [(definition: HistogramDefinition, share: Double)] = {
        let metricShares: [(String, Double)] = [("GC_MS", 0.6), ("GC_MAX_PAUSE_MS", 0.3), ("CYCLE_COLLECTOR", 0.3), ("COMPOSITE_TIME", 0.2)]
        return metricShares.map { name, share in
            guard let definition = HistogramDefinition.builtIn.first(where: { $0.name == name }) else {
                preconditionFailure("\(name) is missing from HistogramDefinition.builtIn")
            }
            return (definition, share)
        }
    }()

    public static let pingColumns = [
        "document_id", "client_id", "sample_id", "submission_date", "channel", "version", "build_id", "os", "locale",
        "uptime", "total_time", "active_ticks", "main_ms", "first_paint_ms", "session_restored_ms", "shutdown_ms",
        "tab_count", "uri_count", "unique_domains", "search_count", "memory_mb", "cpu_count",
    ]
    public static let histogramColumns = [
        "document_id", "client_id", "sample_id", "submission_date", "channel", "os", "build_id", "metric", "bucket", "count",
    ]
    public static let histogramValueColumns = [
        "document_id", "client_id", "sample_id", "submission_date", "channel", "os", "build_id", "metric", "histogram",
    ]

    public init(
        pingCount: Int, seed: UInt64, firstDay: Int64 = DateTime.days(year: 2024, month: 3, day: 1), dayCount: Int = 28,
        pingsPerFile: Int = 1_000_000
    ) {
        precondition(pingCount >= 0 && dayCount >= 1 && pingsPerFile >= 1, "a non-negative ping count, one day and one ping per file")
        self.pingCount = pingCount
        self.seed = seed
        self.firstDay = firstDay
        self.dayCount = dayCount
        self.pingsPerFile = pingsPerFile
    }

    /// The number of files per table: enough for every ping, and one even for no pings.
    public var fileCount: Int { max(1, (pingCount + pingsPerFile - 1) / pingsPerFile) }

    /// Returns the name of file `index` (from 0) of `table`, such as `pings-001.csv`.
    public static func fileName(table: String, index: Int) -> String {
        let number = String(index + 1)
        return table + "-" + String(repeating: "0", count: max(0, 3 - number.count)) + number + ".csv"
    }

    /// The number of clients: four pings per client on average, at least one.
    public var clientCount: Int { max(1, pingCount / 4) }

    /// Writes the files of the three tables into `directory`, which must exist, replacing
    /// files of those names.
    ///
    /// - Returns: The number of rows written to each table.
    /// - Throws: `TeleError` 58030 when a file cannot be created or written.
    public func write(to directory: String) throws -> BenchmarkDatasetSummary {
        let clients = (0..<clientCount).map { BenchmarkClient(seed: streamSeed(kind: 2, index: UInt64($0))) }
        var summary = BenchmarkDatasetSummary(pingRows: pingCount, histogramRows: 0, histogramValueRows: 0)
        for file in 0..<fileCount {
            let pingRange = file * pingsPerFile..<min(pingCount, (file + 1) * pingsPerFile)
            try writeFile(file, pings: pingRange, clients: clients, directory: directory, summary: &summary)
        }
        return summary
    }

    /// Writes file `file` of each table, with the rows of the pings in `range`.
    private func writeFile(
        _ file: Int, pings range: Range<Int>, clients: [BenchmarkClient], directory: String,
        summary: inout BenchmarkDatasetSummary
    ) throws {
        var pings = try CSVByteWriter(path: directory + "/" + BenchmarkDataset.fileName(table: "pings", index: file))
        var histograms = try CSVByteWriter(path: directory + "/" + BenchmarkDataset.fileName(table: "histograms", index: file))
        var values = try CSVByteWriter(path: directory + "/" + BenchmarkDataset.fileName(table: "histogram_values", index: file))
        try pings.appendHeader(BenchmarkDataset.pingColumns)
        try histograms.appendHeader(BenchmarkDataset.histogramColumns)
        try values.appendHeader(BenchmarkDataset.histogramValueColumns)

        for index in range {
            var random = Xoshiro256(seed: streamSeed(kind: 1, index: UInt64(index)))
            // Squaring a uniform draw skews pings toward low client indices, so some clients
            // send many pings and most send few.
            let skewed = random.unit()
            let client = clients[min(clientCount - 1, Int(skewed * skewed * Double(clientCount)))]
            let day = firstDay + Int64(index * dayCount / max(1, pingCount))
            var ping = BenchmarkPing(random: random, client: client, day: day)
            ping.writeRow(to: &pings)
            try pings.endRecord()
            try ping.writeHistograms(long: &histograms, whole: &values, summary: &summary)
        }
        try pings.flush()
        try histograms.flush()
        try values.flush()
    }

    /// Returns the seed of one independent stream, mixed so that nearby indices give unrelated streams.
    private func streamSeed(kind: UInt64, index: UInt64) -> UInt64 {
        var mixer = SplitMix64(state: seed ^ (kind &* 0xD1B5_4A32_D192_ED03))
        mixer.state ^= index &* 0x9E37_79B9_7F4A_7C15
        return mixer.next()
    }
}

/// The row counts of one written data set.
public struct BenchmarkDatasetSummary: Sendable, Equatable {
    public var pingRows: Int
    public var histogramRows: Int
    public var histogramValueRows: Int
}

/// The traits a client keeps across its pings, with its id already in bytes.
struct BenchmarkClient: Sendable {
    var clientID: [UInt8]
    var sampleID: Int64
    var channel: Int
    var os: Int
    var locale: Int
    var memoryMB: Int64
    var cpuCount: Int64
    /// Days between a build's date and the day this client submits from it.
    var updateLag: Int64
    /// A speed factor: slow machines have longer timings in every measure and histogram.
    var slowness: Double

    static let channels = ["release", "beta", "nightly", "esr"]
    static let operatingSystems = ["Windows_NT", "Darwin", "Linux"]
    static let locales = ["en-US", "de", "fr", "es-ES", "ru", "pt-BR", "ja", "pl", "zh-CN", "it", "en-GB", "nl", "tr", "id", "uk"]

    init(seed: UInt64) {
        var random = Xoshiro256(seed: seed)
        clientID = Array(GeneratedClient.uuid(&random).utf8)
        sampleID = clientID.withUnsafeBufferPointer { TeleIngest.sampleID(clientID: $0) }
        // Approximate shares of Firefox desktop usage, as the ping generator draws them.
        channel = random.weightedIndex([0.85, 0.06, 0.03, 0.06])
        os = random.weightedIndex([0.72, 0.12, 0.16])
        locale = random.weightedIndex([40, 10, 7, 5, 5, 5, 4, 3, 3, 3, 4, 2, 2, 2, 1])
        memoryMB = [2048, 4096, 8192, 16384, 32768, 65536][random.weightedIndex([0.05, 0.2, 0.35, 0.28, 0.1, 0.02])]
        cpuCount = [2, 4, 6, 8, 12, 16, 24][random.weightedIndex([0.08, 0.3, 0.12, 0.28, 0.1, 0.1, 0.02])]
        updateLag = Int64(random.int(in: 0...6) * random.int(in: 0...3))
        slowness = exp(0.35 * random.normal())
    }
}
