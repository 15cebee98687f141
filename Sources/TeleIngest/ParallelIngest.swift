// Ingest of one buffer of NDJSON on several threads.
//
// The buffer is cut into parts at lines that start with `{`, the same document starts that
// `PingIngestor` resumes at after a parse error, so every document lies wholly inside one
// part. Each part is parsed, checked and flattened on its own thread into its own batch,
// and the batches are joined in buffer order. The result has the same rows in the same
// order as a single-threaded `ingest`, and only the chunk boundaries differ.
//
// NOTE: a document with an inner line that starts with `{` (a pretty-printed document
// without indentation) is cut there when the buffer is over 2 MB, and both halves are
// rejected. The piece reader in the facade cuts large files at the same lines.

import Dispatch
import Synchronization
import TeleCore

#if canImport(Glibc)
import Glibc
#endif

extension PingIngestor {
    /// Parts smaller than this are not worth a thread: below it, one thread ingests the
    /// whole buffer.
    static let minimumPartBytes = 1 << 20

    /// Ingests every document of `fileBytes` like `ingest(fileBytes:fileName:)`, using up to
    /// `threads` threads.
    ///
    /// - Parameters:
    ///   - firstLine: The line of the file that `fileBytes` starts on.
    ///   - fileOffset: The file offset of `fileBytes[0]`. With `firstLine`, rejections name
    ///     lines and byte offsets of the file when `fileBytes` is one piece of it.
    ///   - threads: The most threads to use; 1 ingests on the calling thread.
    public func ingest(
        fileBytes: [UInt8], fileName: String, firstLine: Int = 1, fileOffset: Int = 0, threads: Int,
        rejectedAt: Int64? = nil
    ) -> IngestBatch {
        let rejectionTime = rejectedAt ?? PingIngestor.currentTimeMicros()
        let parts = PingIngestor.partition(fileBytes, into: min(threads, fileBytes.count / PingIngestor.minimumPartBytes))
        if parts.count <= 1 {
            return ingest(
                fileBytes: fileBytes, range: 0..<fileBytes.count, firstLine: firstLine, fileOffset: fileOffset,
                fileName: fileName, rejectedAt: rejectionTime)
        }

        let results = Mutex<[IngestBatch?]>(Array(repeating: nil, count: parts.count))
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            let part = parts[index]
            let batch = ingest(
                fileBytes: fileBytes, range: part.range, firstLine: firstLine + part.lineOffset,
                fileOffset: fileOffset, fileName: fileName, rejectedAt: rejectionTime)
            results.withLock { $0[index] = batch }
        }

        var joined = IngestBatch()
        for batch in results.withLock({ $0 }) {
            guard let batch else { preconditionFailure("every part was ingested") }
            joined.append(batch)
        }
        return joined
    }

    /// Returns the number of processors this process may run on: the CPUs of its affinity
    /// mask, so `taskset` lowers it, or the online CPUs where the mask cannot be read.
    public static func availableProcessors() -> Int {
        #if canImport(Glibc)
        let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        // Swift's Glibc module does not import sched_getaffinity, so it is looked up by name.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32
        guard let symbol = dlsym(nil, "sched_getaffinity") else { return online }
        let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
        // A mask of 1,024 CPUs, the size of glibc's cpu_set_t.
        var mask = [UInt64](repeating: 0, count: 16)
        let status = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress) }
        let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return status == 0 && count > 0 ? count : online
        #else
        return 1
        #endif
    }

    /// Cuts `bytes` into at most `count` ranges of similar size that each start at a
    /// document start, with the number of lines before each range.
    static func partition(_ bytes: [UInt8], into count: Int) -> [(range: Range<Int>, lineOffset: Int)] {
        guard count > 1 else { return [(0..<bytes.count, 0)] }
        var starts = [0]
        for index in 1..<count {
            let target = bytes.count / count * index
            guard target > starts[starts.count - 1] else { continue }
            let start = nextDocumentStart(bytes, after: target - 1)
            if start < bytes.count, start > starts[starts.count - 1] { starts.append(start) }
        }

        var parts: [(range: Range<Int>, lineOffset: Int)] = []
        var lines = 0
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : bytes.count
            parts.append((start..<end, lines))
            lines += countNewlines(bytes, start..<end)
        }
        return parts
    }

    static func countNewlines(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for index in range where buffer[index] == 0x0A { count &+= 1 }
            return count
        }
    }
}

extension IngestBatch {
    /// Appends the rows and counts of `other` after this batch's.
    mutating func append(_ other: IngestBatch) {
        pings += other.pings
        histograms += other.histograms
        scalars += other.scalars
        rejected += other.rejected
        documentCount += other.documentCount
        pingCount += other.pingCount
        histogramCount += other.histogramCount
        scalarCount += other.scalarCount
        rejections += other.rejections
    }
}
