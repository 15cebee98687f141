// One ping of the benchmark data set: its drawn values and the CSV rows it writes.
//
// Timings follow log-normal distributions scaled by the client's slowness, as in the ping
// generator, so measures have long right tails and clients differ consistently. Histogram
// samples are drawn by the same rules as the ping generator's histograms.

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BenchmarkPing {
    private var random: Xoshiro256
    private let client: BenchmarkClient
    private let day: Int64
    private let documentID: [UInt8]
    private let version: [UInt8]
    private let buildID: [UInt8]

    /// The bucket lower bounds of each metric in `BenchmarkDataset.metrics`, in that order.
    private static let metricBounds = BenchmarkDataset.metrics.map { $0.definition.bucketLowerBounds }
    private static let metricNames = BenchmarkDataset.metrics.map { Array($0.definition.name.utf8) }

    init(random: Xoshiro256, client: BenchmarkClient, day: Int64) {
        var random = random
        self.client = client
        self.day = day
        documentID = Array(GeneratedClient.uuid(&random).utf8)

        // Release and ESR builds ship weekly, beta and nightly builds daily.
        var buildDay = day - client.updateLag
        if client.channel == 0 || client.channel == 3 { buildDay -= ((buildDay % 7) + 7) % 7 }
        // The time of day is fixed per build day and channel, so each channel has one build a day at most.
        let buildSeconds = Int((UInt64(buildDay) &* 2_654_435_761 &+ UInt64(client.channel) &* 97) % 86_400)
        var build: [UInt8] = []
        let (year, month, dayOfMonth) = DateTime.civil(days: buildDay)
        CSVByteWriter.appendPadded(year, width: 4, to: &build)
        CSVByteWriter.appendPadded(month, width: 2, to: &build)
        CSVByteWriter.appendPadded(dayOfMonth, width: 2, to: &build)
        CSVByteWriter.appendPadded(buildSeconds / 3600, width: 2, to: &build)
        CSVByteWriter.appendPadded(buildSeconds / 60 % 60, width: 2, to: &build)
        CSVByteWriter.appendPadded(buildSeconds % 60, width: 2, to: &build)
        buildID = build

        // A new major release every 28 days, counted from 2024-03-01 (day 19783), when 123 was current.
        let major = 123 + (buildDay - 19_783) / 28
        switch client.channel {
        case 1: version = Array("\(major + 1).0b\(1 + (buildDay % 28 + 28) % 28 / 3)".utf8)
        case 2: version = Array("\(major + 2).0a1".utf8)
        case 3: version = Array("115.\(6 + (buildDay / 28) % 4).0esr".utf8)
        default: version = Array("\(major).0".utf8)
        }
        self.random = random
    }

    private mutating func timing(_ median: Double) -> Int64 {
        Int64((median * client.slowness * exp(0.4 * random.normal())).rounded())
    }

    private mutating func logNormal(_ mu: Double, _ sigma: Double) -> Int64 {
        Int64(exp(mu + sigma * random.normal()).rounded())
    }

    /// Writes the fields of the ping's row, in `BenchmarkDataset.pingColumns` order.
    mutating func writeRow(to writer: inout CSVByteWriter) {
        writer.appendBytes(documentID)
        writer.appendBytes(client.clientID)
        writer.appendInteger(client.sampleID)
        writer.appendDate(days: day)
        writer.appendText(BenchmarkClient.channels[client.channel])
        writer.appendBytes(version)
        writer.appendBytes(buildID)
        writer.appendText(BenchmarkClient.operatingSystems[client.os])
        writer.appendText(BenchmarkClient.locales[client.locale])

        writer.appendInteger(logNormal(4.0, 1.1))
        writer.appendInteger(logNormal(8.0, 1.2))
        writer.appendInteger(logNormal(6.5, 1.3))
        let main = timing(120)
        let firstPaint = main + timing(1200)
        writer.appendInteger(main)
        writer.appendInteger(firstPaint)
        writer.appendInteger(firstPaint + timing(600))
        writer.appendInteger(timing(900))
        writer.appendInteger(1 + logNormal(1.5, 0.8))
        writer.appendInteger(logNormal(4.0, 1.3))
        writer.appendInteger(Int64(random.int(in: 0...40)))
        writer.appendInteger(random.chance(0.6) ? 0 : logNormal(1.0, 1.0))
        writer.appendInteger(client.memoryMB)
        writer.appendInteger(client.cpuCount)
    }

    /// Writes the ping's histograms: long rows (one per non-empty bucket) and whole JSON values.
    mutating func writeHistograms(long: inout CSVByteWriter, whole: inout CSVByteWriter, summary: inout BenchmarkDatasetSummary)
        throws
    {
        for (metric, entry) in BenchmarkDataset.metrics.enumerated() where random.chance(entry.share) {
            let bounds = BenchmarkPing.metricBounds[metric]
            var counts = [Int64](repeating: 0, count: bounds.count)
            var sum: Int64 = 0
            let sampleCount = min(500, max(1, Int(exp(1.5 + 0.9 * random.normal()).rounded())))
            for _ in 0..<sampleCount {
                let sample = drawSample(entry.definition)
                counts[HistogramBuckets.bucketIndex(of: sample, in: bounds)] += 1
                sum &+= sample
            }

            for index in counts.indices where counts[index] > 0 {
                writeKey(to: &long, metric: metric)
                long.appendInteger(bounds[index])
                long.appendInteger(counts[index])
                try long.endRecord()
                summary.histogramRows += 1
            }
            writeKey(to: &whole, metric: metric)
            whole.appendQuoted(histogramJSON(entry.definition, bounds: bounds, counts: counts, sum: sum))
            try whole.endRecord()
            summary.histogramValueRows += 1
        }
    }

    /// Writes the columns that both histogram tables start with.
    private func writeKey(to writer: inout CSVByteWriter, metric: Int) {
        writer.appendBytes(documentID)
        writer.appendBytes(client.clientID)
        writer.appendInteger(client.sampleID)
        writer.appendDate(days: day)
        writer.appendText(BenchmarkClient.channels[client.channel])
        writer.appendText(BenchmarkClient.operatingSystems[client.os])
        writer.appendBytes(buildID)
        writer.appendBytes(BenchmarkPing.metricNames[metric])
    }

    /// Returns the histogram in the JSON form a main ping sends.
    private func histogramJSON(_ definition: HistogramDefinition, bounds: [Int64], counts: [Int64], sum: Int64) -> [UInt8] {
        var json: [UInt8] = Array("{\"bucket_count\":".utf8)
        CSVByteWriter.appendDecimal(Int64(definition.bucketCount), to: &json)
        json += Array(",\"histogram_type\":".utf8)
        CSVByteWriter.appendDecimal(Int64(definition.kind.rawValue), to: &json)
        json += Array(",\"range\":[".utf8)
        CSVByteWriter.appendDecimal(definition.low, to: &json)
        json.append(UInt8(ascii: ","))
        CSVByteWriter.appendDecimal(definition.high, to: &json)
        json += Array("],\"sum\":".utf8)
        CSVByteWriter.appendDecimal(sum, to: &json)
        json += Array(",\"values\":{".utf8)
        var first = true
        for index in counts.indices where counts[index] > 0 {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
            json.append(UInt8(ascii: "\""))
            CSVByteWriter.appendDecimal(bounds[index], to: &json)
            json += Array("\":".utf8)
            CSVByteWriter.appendDecimal(counts[index], to: &json)
        }
        json += Array("}}".utf8)
        return json
    }

    /// Draws one sample as the ping generator does for exponential and linear histograms.
    private mutating func drawSample(_ definition: HistogramDefinition) -> Int64 {
        if definition.kind == .exponential {
            // Median about a third of the way up the log range, spread over a fifth of it.
            let logLow = log(Double(max(definition.low, 1)))
            let logHigh = log(Double(definition.high))
            let center = logLow + 0.3 * (logHigh - logLow) + log(client.slowness)
            let value = exp(center + 0.2 * (logHigh - logLow) * random.normal())
            return Int64(min(value, Double(definition.high) * 2).rounded())
        }
        precondition(definition.kind == .linear, "benchmark metrics are exponential or linear")
        // Linear values starting at 1 favour small values, with an exponential tail.
        return Int64(min(Double(definition.high), -log(max(random.unit(), 1e-12)) * Double(definition.high) / 6))
    }
}
