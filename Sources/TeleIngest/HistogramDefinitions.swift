// Firefox histogram definitions and their bucket layouts, for the ping generator and for
// tests and queries that need bucket bounds.
//
// Bucket lower bounds follow Firefox's algorithm (toolkit/components/telemetry, as
// python_moztelemetry's `linear_buckets` and `exponential_buckets` implement it). Bucket 0 is
// the underflow bucket and starts at 0, bucket 1 starts at `low`, and the last bucket starts
// at `high`. Enumerated histograms with n values are linear (1, n, n + 1), categorical ones
// are linear (1, m, m + 1) with m = max(label count, 50), and boolean, flag and count
// histograms are linear (1, 2, 3).

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One histogram as Firefox's Histograms.json defines it, reduced to what a ping carries.
public struct HistogramDefinition: Sendable, Hashable {
    public var name: String
    /// The kind as sent in pings (`histogram_type`); enumerated histograms are `.linear`.
    public var kind: HistogramKind
    public var low: Int64
    public var high: Int64
    public var bucketCount: Int
    public var keyed: Bool
    /// Labels of a categorical histogram, in bucket order.
    public var labels: [String]
    /// Processes that record it: `parent`, `content` and `gpu` here.
    public var processes: [String]

    public init(
        name: String, kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int, keyed: Bool = false,
        labels: [String] = [], processes: [String] = ["parent"]
    ) {
        self.name = name
        self.kind = kind
        self.low = low
        self.high = high
        self.bucketCount = bucketCount
        self.keyed = keyed
        self.labels = labels
        self.processes = processes
    }

    /// The lower bound of every bucket, in order.
    public var bucketLowerBounds: [Int64] {
        switch kind {
        case .exponential:
            return HistogramBuckets.exponential(low: low, high: high, bucketCount: bucketCount)
        case .linear, .boolean, .flag, .count, .categorical, .custom:
            // Firefox definitions are never custom; that kind exists only for BOUNDARIES layouts.
            return HistogramBuckets.linear(low: low, high: high, bucketCount: bucketCount)
        }
    }
}

/// Firefox's bucket layouts.
public enum HistogramBuckets {
    /// Linear lower bounds, as `HistogramLayout.linearBounds` computes them.
    public static func linear(low: Int64, high: Int64, bucketCount: Int) -> [Int64] {
        precondition(bucketCount >= 3, "a linear histogram has at least three buckets")
        return HistogramLayout.linearBounds(low: low, high: high, bucketCount: bucketCount)
    }

    /// Exponential lower bounds, as `HistogramLayout.exponentialBounds` computes them.
    public static func exponential(low: Int64, high: Int64, bucketCount: Int) -> [Int64] {
        precondition(bucketCount >= 3, "an exponential histogram has at least three buckets")
        return HistogramLayout.exponentialBounds(low: low, high: high, bucketCount: bucketCount)
    }

    /// Returns the index of the bucket that `sample` falls into.
    public static func bucketIndex(of sample: Int64, in bounds: [Int64]) -> Int {
        var low = 0
        var high = bounds.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if bounds[middle] <= sample { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

extension HistogramDefinition {
    /// Real Firefox definitions (names, kinds and ranges as main pings send them) that the
    /// generator draws from. Embedded so that generation needs no external files.
    public static let builtIn: [HistogramDefinition] = {
        let all = ["parent", "content"]
        let everywhere = ["parent", "content", "gpu"]
        return [
            // Definitions from Firefox's Histograms.json.
            HistogramDefinition(name: "A11Y_INSTANTIATED_FLAG", kind: .flag, low: 1, high: 2, bucketCount: 3),
            HistogramDefinition(name: "A11Y_CONSUMERS", kind: .linear, low: 1, high: 11, bucketCount: 12),
            HistogramDefinition(name: "A11Y_UIA_DETECTION_TIMING_MS", kind: .exponential, low: 1, high: 60000, bucketCount: 20),
            HistogramDefinition(
                name: "A11Y_TREE_UPDATE_TIMING_MS", kind: .exponential, low: 1, high: 60000, bucketCount: 50, processes: all),
            HistogramDefinition(
                name: "ABOUT_CONFIG_FEATURES_USAGE", kind: .categorical, low: 1, high: 50, bucketCount: 51,
                labels: [
                    "Show", "Search", "RegexSearch", "SortByName", "SortByStatus", "SortByType", "SortByValue",
                    "ModifyValue", "Copy", "CopyName", "CopyValue", "CreateNew", "Reset",
                ]),
            HistogramDefinition(
                name: "APPLICATION_REPUTATION_BINARY_ARCHIVE", kind: .categorical, low: 1, high: 50, bucketCount: 51,
                labels: ["OtherBinaryFile", "DmgFile", "RarFile", "ZipFile"], processes: all),
            HistogramDefinition(name: "APPLICATION_REPUTATION_SHOULD_BLOCK", kind: .boolean, low: 1, high: 2, bucketCount: 3, processes: all),
            HistogramDefinition(name: "APPLICATION_REPUTATION_LOCAL", kind: .linear, low: 1, high: 3, bucketCount: 4, processes: all),
            HistogramDefinition(
                name: "APPLICATION_REPUTATION_SERVER_VERDICT_2", kind: .categorical, low: 1, high: 50, bucketCount: 51,
                keyed: true, labels: ["Safe", "Dangerous", "Uncommon", "PotentiallyUnwanted", "DangerousHost", "Unknown"],
                processes: all),
            HistogramDefinition(
                name: "APPLICATION_REPUTATION_REMOTE_LOOKUP_RESPONSE_TIME", kind: .linear, low: 1000, high: 15000,
                bucketCount: 17, processes: all),
            HistogramDefinition(
                name: "APPLICATION_REPUTATION_REMOTE_LOOKUP_TIMEOUT", kind: .boolean, low: 1, high: 2, bucketCount: 3, processes: all),
            HistogramDefinition(name: "BACKGROUNDFILESAVER_THREAD_COUNT", kind: .linear, low: 1, high: 21, bucketCount: 22, processes: all),
            HistogramDefinition(name: "CHECKERBOARD_DURATION", kind: .exponential, low: 1, high: 100000, bucketCount: 50, processes: everywhere),
            HistogramDefinition(name: "CHILD_PROCESS_LAUNCH_MS", kind: .exponential, low: 1, high: 64000, bucketCount: 100),
            HistogramDefinition(name: "COMPOSITE_TIME", kind: .exponential, low: 1, high: 1000, bucketCount: 50, processes: everywhere),
            // Definitions as main pings of Firefox 45 send them.
            HistogramDefinition(name: "GC_MS", kind: .exponential, low: 1, high: 10000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "GC_MAX_PAUSE_MS", kind: .linear, low: 1, high: 1000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "CYCLE_COLLECTOR", kind: .exponential, low: 1, high: 10000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "CYCLE_COLLECTOR_MAX_PAUSE", kind: .exponential, low: 1, high: 10000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "FX_PAGE_LOAD_MS", kind: .exponential, low: 1, high: 10000, bucketCount: 20),
            HistogramDefinition(name: "TOTAL_CONTENT_PAGE_LOAD_TIME", kind: .exponential, low: 100, high: 30000, bucketCount: 100, processes: ["content"]),
            HistogramDefinition(name: "MEMORY_JS_GC_HEAP", kind: .exponential, low: 1024, high: 16_777_216, bucketCount: 200),
            HistogramDefinition(name: "MEMORY_HEAP_ALLOCATED", kind: .exponential, low: 1024, high: 16_777_216, bucketCount: 200),
            HistogramDefinition(name: "GHOST_WINDOWS", kind: .exponential, low: 1, high: 128, bucketCount: 32),
            HistogramDefinition(name: "HTTP_PAGE_DNS_ISSUE_TIME", kind: .exponential, low: 1, high: 30000, bucketCount: 50),
            HistogramDefinition(name: "DNS_LOOKUP_TIME", kind: .exponential, low: 1, high: 60000, bucketCount: 50),
            HistogramDefinition(name: "SSL_HANDSHAKE_VERSION", kind: .linear, low: 1, high: 16, bucketCount: 17),
            HistogramDefinition(name: "SSL_TIME_UNTIL_READY", kind: .exponential, low: 1, high: 60000, bucketCount: 200),
            HistogramDefinition(name: "TELEMETRY_COMPRESS", kind: .exponential, low: 1, high: 3000, bucketCount: 10),
            HistogramDefinition(name: "PLACES_BOOKMARKS_COUNT", kind: .exponential, low: 100, high: 8000, bucketCount: 15),
            HistogramDefinition(name: "PLACES_PAGES_COUNT", kind: .exponential, low: 1000, high: 150_000, bucketCount: 20),
            HistogramDefinition(name: "SHUTDOWN_OK", kind: .boolean, low: 1, high: 2, bucketCount: 3),
            HistogramDefinition(name: "TRANSACTION_WAIT_TIME_HTTP", kind: .exponential, low: 1, high: 5000, bucketCount: 100),
            HistogramDefinition(name: "CACHE_SERVICE_LOCK_WAIT_2", kind: .exponential, low: 1, high: 10000, bucketCount: 50),
            HistogramDefinition(name: "URLCLASSIFIER_LOOKUP_TIME", kind: .exponential, low: 1, high: 500, bucketCount: 10),
            HistogramDefinition(name: "COOKIE_SCHEME_SECURITY", kind: .linear, low: 1, high: 10, bucketCount: 11),
            HistogramDefinition(name: "CERT_VALIDATION_SUCCESS_BY_CA", kind: .linear, low: 1, high: 256, bucketCount: 257),
            HistogramDefinition(name: "WEBSOCKETS_HANDSHAKE_TYPE", kind: .linear, low: 1, high: 16, bucketCount: 17),
            HistogramDefinition(name: "UPDATE_PING_COUNT_NOTIFY", kind: .count, low: 1, high: 2, bucketCount: 3),
            HistogramDefinition(name: "CANVAS_2D_USED", kind: .boolean, low: 1, high: 2, bucketCount: 3, processes: all),
            HistogramDefinition(name: "FX_NEW_WINDOW_MS", kind: .exponential, low: 1, high: 10000, bucketCount: 20),
            HistogramDefinition(name: "STARTUP_CRASH_DETECTED", kind: .flag, low: 1, high: 2, bucketCount: 3),
            HistogramDefinition(name: "PAINT_BUILD_DISPLAYLIST_TIME", kind: .exponential, low: 1, high: 1000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "REFRESH_DRIVER_TICK", kind: .exponential, low: 1, high: 1000, bucketCount: 50, processes: all),
            HistogramDefinition(name: "CONTENT_DOCUMENTS_DESTROYED", kind: .count, low: 1, high: 2, bucketCount: 3, processes: ["content"]),
            HistogramDefinition(name: "HTTP_SCHEME_UPGRADE", kind: .linear, low: 1, high: 10, bucketCount: 11),
            HistogramDefinition(name: "SPDY_VERSION2", kind: .linear, low: 1, high: 48, bucketCount: 49),
            HistogramDefinition(name: "NETWORK_CACHE_V2_HIT_TIME_MS", kind: .exponential, low: 1, high: 10000, bucketCount: 50),
            HistogramDefinition(name: "SEARCH_COUNTS", kind: .count, low: 1, high: 2, bucketCount: 3, keyed: true),
            HistogramDefinition(name: "FX_TABLETMODE_PAGE_LOAD", kind: .exponential, low: 1, high: 100_000, bucketCount: 30, keyed: true),
            HistogramDefinition(name: "MISBEHAVING_ADDONS_CPOW_TIME_MS", kind: .exponential, low: 1, high: 10000, bucketCount: 20, keyed: true),
            HistogramDefinition(name: "ADDON_SHIM_USAGE", kind: .linear, low: 1, high: 15, bucketCount: 16, keyed: true),
        ]
    }()
}
