// Locations of the shared telemetry samples, read in place. Tests that need them skip
// cleanly when the folder is absent.

import TeleIngest

enum TestData {
    /// `shared/telemetry` beside the repository root (`../shared`), or beside one of its
    /// parents, because a git worktree may sit one level deeper than the main checkout.
    static let telemetryFolder: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // Drop Tests/TeleIngestTests/TestData.swift to reach the repository root.
        components.removeLast(3)
        while components.count > 1 {
            components.removeLast()
            let candidate = components.joined(separator: "/") + "/shared/telemetry"
            if (try? readFileBytes(path: candidate + "/README.md")) != nil { return candidate }
        }
        return "../shared/telemetry"
    }()

    static var available: Bool { (try? readFileBytes(path: telemetryFolder + "/README.md")) != nil }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try readFileBytes(path: telemetryFolder + "/" + relativePath)
    }

    static let passPings = [
        "main.4.adapter_null_gpuactive.pass.json", "main.4.attribution.pass.json", "main.4.gc_sample.pass.json",
        "main.4.good_histogram.pass.json", "main.4.hdd_type.pass.json", "main.4.headless.pass.json",
        "main.4.intl_alldata.pass.json", "main.4.intl_nosection.pass.json", "main.4.min.pass.json",
        "main.4.sample.pass.json", "main.4.services.pass.json",
    ]

    static let failPings = [
        "main.4.bad-profile-group-id.fail.json", "main.4.displayversion.fail.json", "main.4.empty.fail.json",
        "main.4.hdd_type_empty.fail.json", "main.4.histogram.fail.json", "main.4.negative_count.fail.json",
    ]
}
