// The sources of the shell's input lines: libreadline at a terminal, with history, tab
// completion and Ctrl-C handling, or plain `readLine()` from a pipe.
//
// readline at a pipe would print the prompt and echo every line to stdout, so piped input
// never goes through it.

@preconcurrency import CReadline
import Foundation
import Synchronization

/// A source of input lines.
public protocol LineInput: AnyObject {
    /// Returns the next line without its line break, or nil at the end of input.
    func readLine(prompt: String) -> String?
    /// Records a statement or dot command in the history.
    func addHistory(_ entry: String)
    /// Returns true once after Ctrl-C was pressed, so the caller drops the pending input.
    func takeInterrupt() -> Bool
}

/// Lines from stdin without prompts, for scripts and pipes.
public final class PlainLineInput: LineInput {
    public init() {}

    public func readLine(prompt: String) -> String? { Swift.readLine(strippingNewline: true) }
    public func addHistory(_ entry: String) {}
    public func takeInterrupt() -> Bool { false }
}

/// Set by the SIGINT handler while readline waits for a line.
private let interruptRequested = Atomic<Bool>(false)
/// Set by the SIGINT handler while a statement runs; the shell's statement watcher takes it
/// and cancels the statement.
private let statementInterruptRequested = Atomic<Bool>(false)

/// Returns whether Ctrl-C was pressed while a statement ran, and clears the request.
func takeStatementInterrupt() -> Bool {
    statementInterruptRequested.exchange(false, ordering: .sequentiallyConsistent)
}
/// Whether readline is waiting for input. Ctrl-C at any other time is ignored.
private let readingLine = Atomic<Bool>(false)
/// The words tab completion offers, and the matches of the word being completed.
private let completionState = Mutex(CompletionState())
/// The main prompt as a C string, for the SIGINT handler, which must not allocate.
nonisolated(unsafe) private let mainPromptCString: UnsafeMutablePointer<CChar>? = strdup(Shell.mainPrompt)

private struct CompletionState {
    var words: [String] = []
    var matches: [String] = []
    var nextMatch = 0
}

/// Lines from a terminal through libreadline.
public final class ReadlineLineInput: LineInput {
    let historyPath: String?
    /// The number of entries the history file keeps.
    static let historyLimit: Int32 = 2000

    /// Sets up readline, loads the history from `historyPath` and installs the completion
    /// function and the SIGINT handler.
    public init(historyPath: String?) {
        self.historyPath = historyPath
        if let historyPath {
            // append_history needs the file to exist.
            if !FileManager.default.fileExists(atPath: historyPath) {
                _ = FileManager.default.createFile(atPath: historyPath, contents: nil)
            }
            read_history(historyPath)
        }
        rl_attempted_completion_function = completeWord
        signal(SIGINT, handleInterrupt)
    }

    deinit {
        if let historyPath { history_truncate_file(historyPath, Self.historyLimit) }
    }

    /// Replaces the words tab completion offers: keywords, functions, tables and columns.
    public static func setCompletionWords(_ words: [String]) {
        let unique = Array(Set(words)).sorted()
        completionState.withLock { $0.words = unique }
    }

    public func readLine(prompt: String) -> String? {
        readingLine.store(true, ordering: .sequentiallyConsistent)
        let pointer = readline(prompt)
        readingLine.store(false, ordering: .sequentiallyConsistent)
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    public func addHistory(_ entry: String) {
        guard !entry.trimmingWhitespace().isEmpty else { return }
        add_history(entry)
        if let historyPath { append_history(1, historyPath) }
    }

    public func takeInterrupt() -> Bool {
        interruptRequested.exchange(false, ordering: .sequentiallyConsistent)
    }
}

/// Clears the line being typed and shows a fresh main prompt.
///
/// NOTE: the readline calls here are not async-signal-safe, but readline delivers the
/// signal to this handler after it has restored the terminal, which is the usual way shells
/// use it. Ctrl-C while a statement runs asks the shell to cancel it. A second Ctrl-C before
/// the statement stops ends the shell with status 130 (128 + SIGINT), and storage keeps only
/// committed transactions.
private func handleInterrupt(_ signal: Int32) {
    guard readingLine.load(ordering: .sequentiallyConsistent) else {
        if statementInterruptRequested.exchange(true, ordering: .sequentiallyConsistent) {
            _ = write(STDERR_FILENO, "\ninterrupted\n", 13)
            _exit(130)
        }
        return
    }
    interruptRequested.store(true, ordering: .sequentiallyConsistent)
    // readline has already echoed "^C"; end that line before the fresh prompt.
    _ = write(STDOUT_FILENO, "\n", 1)
    rl_replace_line("", 0)
    rl_on_new_line()
    rl_set_prompt(mainPromptCString)
    rl_redisplay()
}

/// readline's completion hook: completes SQL words, but leaves dot command arguments to
/// readline's file name completion.
private func completeWord(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
{
    if let line = rl_line_buffer, line.pointee == CChar(UInt8(ascii: ".")), start > 0 { return nil }
    rl_attempted_completion_over = 1
    return rl_completion_matches(text, completionMatch)
}

/// Returns the next completion of `text`, or nil when there are no more; `state` is 0 on the
/// first call for a word. readline frees the returned strings.
private func completionMatch(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let prefix = text.map { String(cString: $0) } ?? ""
    let match: String? = completionState.withLock { completion in
        if state == 0 {
            completion.matches = CompletionMatcher.matches(for: prefix, among: completion.words)
            completion.nextMatch = 0
        }
        guard completion.nextMatch < completion.matches.count else { return nil }
        completion.nextMatch += 1
        return completion.matches[completion.nextMatch - 1]
    }
    return match.flatMap { strdup($0) }
}

/// Picks the completions of a typed prefix.
public enum CompletionMatcher {
    /// Returns the words that start with `prefix`, ignoring case. Keywords typed in lower case
    /// complete in lower case, so the completion matches how the user writes SQL.
    public static func matches(for prefix: String, among words: [String]) -> [String] {
        let lowered = prefix.lowercased()
        let typedLowercase = prefix.first.map { $0.isLowercase } ?? false
        var result: [String] = []
        for word in words where word.lowercased().hasPrefix(lowered) {
            let isUppercaseWord = word == word.uppercased() && word != word.lowercased()
            result.append(typedLowercase && isUppercaseWord ? word.lowercased() : word)
        }
        return result
    }
}
