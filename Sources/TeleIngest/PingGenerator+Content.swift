// The body of one generated main ping: application, environment, session info, simple
// measurements, histograms per process and scalars.
//
// Values are plausible rather than measured: timings are log-normal around a median placed
// low in each histogram's range (scaled by the client's slowness), booleans use a fixed
// rate per metric, categorical and enumerated samples favour the first values. Every field
// the main ping schema requires is present, in the form that schema accepts.

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct PingContentBuilder {
    var random: Xoshiro256
    let client: GeneratedClient
    let firstDay: Int64
    let dayCount: Int
    private var writer = JSONWriter(capacity: 16 << 10)

    init(random: Xoshiro256, client: GeneratedClient, firstDay: Int64, dayCount: Int) {
        self.random = random
        self.client = client
        self.firstDay = firstDay
        self.dayCount = dayCount
    }

    /// Releases every 28 days: release 123 starts on 2024-02-20, as Firefox 123 did.
    private static let referenceMajor: Int64 = 123
    private static let referenceReleaseDay = DateTime.days(year: 2024, month: 2, day: 20)

    mutating func build() -> [UInt8] {
        let day = firstDay + Int64(random.int(in: 0...(dayCount - 1)))
        let creationMicros = day * DateTime.microsPerDay + Int64(random.int(in: 0...86_399_999)) * 1000
        let release = PingContentBuilder.referenceMajor
            + DateTime.floorDiv(day - PingContentBuilder.referenceReleaseDay, 28)
        let (version, displayVersion, buildDay) = versions(releaseMajor: release, day: day)
        let buildID = buildIdentifier(day: buildDay)

        writer.beginObject()
        writer.member("type", "main")
        writer.member("id", GeneratedClient.uuid(&random))
        writer.member("clientId", client.clientID)
        writer.member("profileGroupId", client.profileGroupID)
        writer.member("creationDate", isoTimestamp(creationMicros))
        writer.member("version", 4)
        writeApplication(version: version, displayVersion: displayVersion, buildID: buildID)
        writeEnvironment(version: version, displayVersion: displayVersion, buildID: buildID)
        writePayload(creationMicros: creationMicros)
        writer.endObject()
        return writer.bytes
    }

    // MARK: Application and environment

    /// The version, display version and build day for the client's channel.
    private mutating func versions(releaseMajor: Int64, day: Int64) -> (String, String, Int64) {
        switch client.channel {
        case "beta":
            let major = releaseMajor + 1
            let betaNumber = Int(min(9, max(1, (day - PingContentBuilder.referenceReleaseDay) % 28 / 3 + 1)))
            return ("\(major).0", "\(major).0b\(betaNumber)", day - Int64(random.int(in: 0...3)))
        case "nightly":
            let major = releaseMajor + 2
            return ("\(major).0a1", "\(major).0a1", day - Int64(random.int(in: 0...1)))
        case "esr":
            let dot = random.int(in: 6...9)
            return ("115.\(dot).0", "115.\(dot).0esr", day - Int64(random.int(in: 10...40)))
        default:
            // Most clients run the current release; some lag one version behind.
            let major = random.chance(0.8) ? releaseMajor : releaseMajor - 1
            let dot = random.int(in: 0...2)
            let version = dot == 0 ? "\(major).0" : "\(major).0.\(dot)"
            let releaseDay = PingContentBuilder.referenceReleaseDay + (major - PingContentBuilder.referenceMajor) * 28
            return (version, version, releaseDay - 6 + Int64(dot) * 7)
        }
    }

    /// Returns a build id `YYYYMMDDhhmmss` on `day`.
    private mutating func buildIdentifier(day: Int64) -> String {
        let (year, month, dayOfMonth) = DateTime.civil(days: day)
        let seconds = random.int(in: 0...86_399)
        return pad(year, 4) + pad(month, 2) + pad(dayOfMonth, 2) + pad(seconds / 3600, 2) + pad(seconds / 60 % 60, 2)
            + pad(seconds % 60, 2)
    }

    private mutating func writeApplication(version: String, displayVersion: String, buildID: String) {
        writer.key("application")
        writer.beginObject()
        writer.member("architecture", client.architecture)
        writer.member("buildId", buildID)
        writer.member("channel", client.channel)
        writer.member("name", "Firefox")
        writer.member("platformVersion", version)
        writer.member("vendor", "Mozilla")
        writer.member("version", version)
        writer.member("displayVersion", displayVersion)
        writer.member("xpcomAbi", client.xpcomABI)
        writer.endObject()
    }

    private mutating func writeEnvironment(version: String, displayVersion: String, buildID: String) {
        writer.key("environment")
        writer.beginObject()

        writer.key("build")
        writer.beginObject()
        writer.member("applicationId", "{ec8030f7-c20a-464f-9b0e-13a3a9e97384}")
        writer.member("applicationName", "Firefox")
        writer.member("architecture", client.architecture)
        writer.member("buildId", buildID)
        writer.member("version", version)
        writer.member("displayVersion", displayVersion)
        writer.member("vendor", "Mozilla")
        writer.member("platformVersion", version)
        writer.member("xpcomAbi", client.xpcomABI)
        writer.endObject()

        writer.key("partner")
        writer.beginObject()
        writer.member("distributionId", client.distributionID)
        writer.endObject()

        writer.key("profile")
        writer.beginObject()
        writer.member("creationDate", client.profileCreationDay)
        writer.endObject()

        writer.key("settings")
        writer.beginObject()
        writer.member("locale", client.locale)
        writer.member("isDefaultBrowser", client.isDefaultBrowser)
        writer.member("e10sEnabled", true)
        writer.member("telemetryEnabled", client.channel != "release")
        writer.member("defaultSearchEngine", client.searchEngine)
        writer.endObject()

        writer.key("system")
        writer.beginObject()
        writer.key("cpu")
        writer.beginObject()
        writer.member("count", Int64(client.cpuCount))
        writer.member("cores", Int64(max(1, client.cpuCount / 2)))
        writer.endObject()
        writer.member("memoryMB", Int64(client.memoryMB))
        writer.key("os")
        writer.beginObject()
        writer.member("name", client.os)
        writer.member("version", client.osVersion)
        writer.member("locale", client.locale)
        writer.endObject()
        writer.endObject()

        writer.endObject()
    }

    // MARK: Payload

    private mutating func writePayload(creationMicros: Int64) {
        writer.key("payload")
        writer.beginObject()
        writeInfo(creationMicros: creationMicros)
        writeSimpleMeasurements()

        let definitions = HistogramDefinition.builtIn
        writer.key("histograms")
        writeHistograms(definitions.filter { !$0.keyed && $0.processes.contains("parent") }, share: 0.7)
        writer.key("keyedHistograms")
        writeKeyedHistograms(definitions.filter { $0.keyed && $0.processes.contains("parent") })

        writer.key("processes")
        writer.beginObject()
        writer.key("parent")
        writer.beginObject()
        writeScalars()
        writer.endObject()
        for process in ["content", "gpu"] {
            let recorded = definitions.filter { !$0.keyed && $0.processes.contains(process) }
            guard !recorded.isEmpty, process == "content" || random.chance(0.6) else { continue }
            writer.key(process)
            writer.beginObject()
            writer.key("histograms")
            writeHistograms(recorded, share: 0.8)
            writer.key("keyedHistograms")
            writer.beginObject()
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()

        writer.endObject()
    }

    private mutating func writeInfo(creationMicros: Int64) {
        let subsessionLength = Int64(exp(8.0 + 1.2 * random.normal()).rounded())
        let sessionLength = subsessionLength + Int64(random.int(in: 0...1) * random.int(in: 0...86_400))
        let sessionStart = (creationMicros - sessionLength * DateTime.microsPerSecond) / (3600 * DateTime.microsPerSecond)
            * 3600 * DateTime.microsPerSecond
        writer.key("info")
        writer.beginObject()
        writer.member("reason", ["shutdown", "daily", "environment-change"][random.weightedIndex([0.6, 0.3, 0.1])])
        writer.member("sessionId", GeneratedClient.uuid(&random))
        writer.member("subsessionId", GeneratedClient.uuid(&random))
        writer.member("sessionLength", sessionLength)
        writer.member("subsessionLength", subsessionLength)
        writer.member("profileSubsessionCounter", Int64(random.int(in: 1...2000)))
        writer.member("subsessionCounter", Int64(random.int(in: 1...5)))
        writer.member("timezoneOffset", Int64([-480, -300, 0, 60, 120, 330, 540][random.int(in: 0...6)]))
        // Firefox writes session start dates in local time with hourly precision.
        writer.member("sessionStartDate", String(isoTimestamp(sessionStart).prefix(13)) + ":00:00.0+00:00")
        writer.endObject()
    }

    private mutating func writeSimpleMeasurements() {
        let slowness = client.slowness
        func timing(_ median: Double) -> Int64 {
            Int64((median * slowness * exp(0.4 * random.normal())).rounded())
        }
        let main = timing(120)
        let firstPaint = main + timing(1200)
        let sessionRestored = firstPaint + timing(600)
        writer.key("simpleMeasurements")
        writer.beginObject()
        writer.member("uptime", Int64(exp(4.0 + 1.1 * random.normal()).rounded()))
        writer.member("totalTime", Int64(exp(8.0 + 1.2 * random.normal()).rounded()))
        writer.member("activeTicks", Int64(exp(6.5 + 1.3 * random.normal()).rounded()))
        writer.member("main", main)
        writer.member("firstPaint", firstPaint)
        writer.member("sessionRestored", sessionRestored)
        writer.member("firstLoadURI", firstPaint + timing(300))
        writer.member("delayedStartupFinished", sessionRestored + timing(200))
        writer.member("shutdownDuration", timing(900))
        writer.member("maximalNumberOfConcurrentThreads", Int64(random.int(in: 30...140)))
        writer.member("savedPings", Int64(random.chance(0.9) ? 0 : random.int(in: 1...5)))
        writer.member("pingsOverdue", Int64(random.chance(0.95) ? 0 : random.int(in: 1...3)))
        writer.endObject()
    }

    private mutating func writeScalars() {
        writer.key("scalars")
        writer.beginObject()
        let tabs = Int64(1 + exp(1.5 + 0.8 * random.normal()).rounded())
        writer.member("browser.engagement.max_concurrent_tab_count", tabs)
        writer.member("browser.engagement.tab_open_event_count", Int64(random.int(in: 0...60)))
        writer.member("browser.engagement.total_uri_count", Int64(exp(4.0 + 1.3 * random.normal()).rounded()))
        writer.member("browser.engagement.unique_domains_count", Int64(random.int(in: 0...40)))
        writer.member("timestamps.first_paint", Int64((1500 * client.slowness).rounded()))
        writer.member("media.autoplay_default_blocked", random.chance(0.2))
        writer.member("browser.startup.profile_selection_reason", ["default", "restart", "firstrun-created-default"][random.weightedIndex([0.9, 0.08, 0.02])])
        writer.endObject()

        writer.key("keyedScalars")
        writer.beginObject()
        writer.key("browser.engagement.navigation.urlbar")
        writer.beginObject()
        writer.member("search_enter", Int64(random.int(in: 0...30)))
        if random.chance(0.4) { writer.member("search_suggestion", Int64(random.int(in: 1...10))) }
        writer.endObject()
        writer.key("browser.search.content.urlbar")
        writer.beginObject()
        writer.member("\(client.searchEngine):tagged:firefox-b-d", Int64(random.int(in: 0...25)))
        writer.endObject()
        writer.endObject()
    }

    // MARK: Histograms

    private mutating func writeHistograms(_ definitions: [HistogramDefinition], share: Double) {
        writer.beginObject()
        for definition in definitions where random.chance(share) {
            writer.key(definition.name)
            writeHistogram(definition)
        }
        writer.endObject()
    }

    private mutating func writeKeyedHistograms(_ definitions: [HistogramDefinition]) {
        writer.beginObject()
        for definition in definitions {
            writer.key(definition.name)
            writer.beginObject()
            for key in keys(for: definition) where random.chance(0.6) {
                writer.key(key)
                writeHistogram(definition)
            }
            writer.endObject()
        }
        writer.endObject()
    }

    private func keys(for definition: HistogramDefinition) -> [String] {
        switch definition.name {
        case "SEARCH_COUNTS":
            return ["\(client.searchEngine).urlbar", "\(client.searchEngine).searchbar", "\(client.searchEngine).newtab"]
        case "APPLICATION_REPUTATION_SERVER_VERDICT_2": return ["google", "local"]
        case "FX_TABLETMODE_PAGE_LOAD": return ["desktop"]
        default: return ["uBlock0@raymondhill.net", "{446900e4-71c2-419f-a6a7-df9c091e268b}", "jid1-MnnxcxisBPnSXQ@jetpack"]
        }
    }

    /// Writes one histogram object with samples drawn for its kind.
    private mutating func writeHistogram(_ definition: HistogramDefinition) {
        let bounds = definition.bucketLowerBounds
        var counts = [Int64](repeating: 0, count: bounds.count)
        var sum: Int64 = 0
        let sampleCount = definition.kind == .flag ? 1 : max(1, Int(exp(2.0 + 1.1 * random.normal()).rounded()))
        for _ in 0..<min(sampleCount, 2000) {
            let sample = drawSample(definition)
            counts[HistogramBuckets.bucketIndex(of: sample, in: bounds)] += 1
            sum &+= sample
        }
        if definition.kind == .count {
            // A count histogram stores the count as bucket 0's tally and as the sum.
            counts = [Int64](repeating: 0, count: bounds.count)
            counts[0] = Int64(sampleCount)
            sum = Int64(sampleCount)
        }

        writer.beginObject()
        writer.member("bucket_count", Int64(definition.bucketCount))
        writer.member("histogram_type", Int64(definition.kind.rawValue))
        writer.key("range")
        writer.beginArray()
        writer.int(definition.low)
        writer.int(definition.high)
        writer.endArray()
        writer.member("sum", sum)
        writer.key("values")
        writer.beginObject()
        for index in counts.indices where counts[index] > 0 {
            writer.member(String(bounds[index]), counts[index])
        }
        writer.endObject()
        writer.endObject()
    }

    private mutating func drawSample(_ definition: HistogramDefinition) -> Int64 {
        switch definition.kind {
        case .exponential:
            // Median about a third of the way up the log range, spread over a fifth of it.
            let logLow = log(Double(max(definition.low, 1)))
            let logHigh = log(Double(definition.high))
            let center = logLow + 0.3 * (logHigh - logLow) + log(client.slowness)
            let value = exp(center + 0.2 * (logHigh - logLow) * random.normal())
            return Int64(min(value, Double(definition.high) * 2).rounded())
        case .linear:
            // Enumerated values (low 1) favour small codes; measured linear values cluster low.
            if definition.low == 1 {
                return Int64(min(Double(definition.high), -log(max(random.unit(), 1e-12)) * Double(definition.high) / 6))
            }
            let span = Double(definition.high - definition.low)
            return definition.low + Int64(max(0, span * (0.3 + 0.2 * random.normal())))
        case .boolean:
            return random.chance(0.2) ? 1 : 0
        case .flag:
            return random.chance(0.1) ? 1 : 0
        case .count, .custom:
            return 0
        case .categorical:
            let labelCount = max(1, definition.labels.count)
            var weights: [Double] = []
            for rank in 1...labelCount { weights.append(1 / Double(rank)) }
            return Int64(random.weightedIndex(weights))
        }
    }

    // MARK: Formatting

    /// `YYYY-MM-DDThh:mm:ss.mmmZ`, the form the main ping schema requires for creationDate.
    private func isoTimestamp(_ micros: Int64) -> String {
        let days = DateTime.floorDiv(micros, DateTime.microsPerDay)
        let (year, month, day) = DateTime.civil(days: days)
        let microsOfDay = micros - days * DateTime.microsPerDay
        let milliseconds = Int(microsOfDay / 1000)
        let seconds = milliseconds / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(milliseconds % 1000, 3) + "Z"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
