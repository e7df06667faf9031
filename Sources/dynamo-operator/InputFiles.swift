import DynamoAPI
import Foundation

/// Reads the files named on the command line (`-` is standard input).
enum InputFiles {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String) throws -> String {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return String(decoding: data, as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "\(path): cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReadError(description: "\(path): not UTF-8 text")
        }
        return text
    }

    /// Every document of every file, with its problems; a file that cannot be read or parsed is
    /// reported as one error and the rest still load.
    static func load(_ paths: [String]) -> [(file: String, documents: [LoadedDocument], error: String?)] {
        paths.map { path in
            do {
                return (path, try DeploymentLoader.load(yaml: read(path)), nil)
            } catch {
                return (path, [], error is ReadError ? "\(error)" : "\(path): \(error)")
            }
        }
    }
}

extension InputFiles {
    /// Loads every document of every file, prints every problem (unreadable files, empty files,
    /// each validation error with its file and object) to standard error, and calls `valid` for
    /// each document without errors. Returns true when anything was wrong.
    static func report(_ paths: [String], valid: (String, LoadedDocument) -> Void) -> Bool {
        var failed = false
        for (file, documents, error) in load(paths) {
            if let error {
                printError(error)
                failed = true
                continue
            }
            if documents.isEmpty {
                printError("\(file): no documents")
                failed = true
            }
            for doc in documents {
                if doc.errors.isEmpty {
                    valid(file, doc)
                } else {
                    failed = true
                    for e in doc.errors { printError("\(file): \(doc.label): \(e)") }
                }
            }
        }
        return failed
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
