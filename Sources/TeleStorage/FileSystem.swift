// The POSIX file operations storage needs, with failures turned into TeleErrors that name
// the path: durable writes (write, then fsync the file), directory fsync, atomic rename,
// positioned reads and the exclusive lock on the database directory.

import Glibc
import TeleCore

enum FileSystem {
    static func ioError(_ action: String, _ path: String, errorNumber: Int32 = errno) -> TeleError {
        TeleError(
            .ioError, "could not \(action) \"\(path)\": \(String(cString: strerror(errorNumber)))",
            hint: "Check that the directory exists, is writable and has free space.")
    }

    static func createDirectory(_ path: String) throws {
        var components: [Substring] = []
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            components.append(part)
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw ioError("create directory", current) }
        }
    }

    static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Writes `bytes` to a new file at `path` (replacing any file there) and fsyncs it.
    static func writeDurably(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ioError("create file", path) }
        defer { close(descriptor) }
        try bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { throw ioError("write file", path) }
                written += result
            }
        }
        guard fsync(descriptor) == 0 else { throw ioError("fsync file", path) }
    }

    /// Fsyncs a directory, which makes the creation, removal or renaming of its entries durable.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("open directory", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ioError("fsync directory", path) }
    }

    static func rename(_ source: String, to target: String) throws {
        guard Glibc.rename(source, target) == 0 else { throw ioError("rename file", source) }
    }

    /// Removes a file, ignoring one that is already gone.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Returns the names in a directory, without "." and "..".
    static func listDirectory(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw ioError("open directory", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads `length` bytes at `offset`; returns fewer when the file ends first.
    static func read(_ path: String, offset: Int, length: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ioError("open file", path) }
        defer { close(descriptor) }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            var done = 0
            while done < length {
                let result = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if result < 0 && errno == EINTR { continue }
                if result < 0 { failure = errno }
                if result <= 0 { break }
                done += result
            }
            initialized = done
        }
        if failure != 0 { throw ioError("read file", path, errorNumber: failure) }
        return bytes
    }

    /// Reads a whole file.
    static func readAll(_ path: String) throws -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw ioError("read file", path) }
        return try read(path, offset: 0, length: Int(status.st_size))
    }
}

/// An exclusive `flock` on a file, held until this object is released.
final class FileLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// Takes the lock without waiting.
    ///
    /// - Throws: `TeleError` 55006 when another open file description has the lock.
    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystem.ioError("open lock file", path) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let errorNumber = errno
            close(descriptor)
            if errorNumber == EWOULDBLOCK {
                throw TeleError(
                    .objectInUse, "database is locked by another process: lock file \"\(path)\" is held",
                    hint: "Stop the other process that has this database open, or open another directory.")
            }
            throw FileSystem.ioError("lock file", path, errorNumber: errorNumber)
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the flock.
        close(descriptor)
    }
}
