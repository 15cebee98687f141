// Locating the shared test data. It sits in `shared` next to the repository root; a git
// worktree placed one folder deeper (`wt/name`) finds it one level further up.

import Foundation

/// Finds the `shared` folder for the test file at `filePath`. Returns nil when there is none,
/// and tests that need it then skip.
func sharedFolder(for filePath: String) -> URL? {
    var root = URL(fileURLWithPath: filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    var ancestor = root.deletingLastPathComponent()
    for _ in 0..<2 {
        let candidate = ancestor.appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("sqllogictest").path) {
            return candidate
        }
        ancestor.deleteLastPathComponent()
    }
    return nil
}

/// Returns the repository root that contains the test file at `filePath`.
func repositoryRoot(for filePath: String) -> URL {
    var root = URL(fileURLWithPath: filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    return root
}
