import Foundation
import ChildProcesses
#if canImport(Glibc)
import Glibc
#endif

/// What the benchmark reads of the programs it runs as separate processes (the stand-in API
/// server, the operator), so their memory, CPU and start-up are measured as a user would see
/// them (Linux `/proc`).
extension LoggedProcess {
    /// A program whose log goes to `logDirectory/name.log`.
    convenience init(name: String, executable: String, arguments: [String], logDirectory: String) throws {
        try self.init(name: name, executable: executable, arguments: arguments, logPath: "\(logDirectory)/\(name).log")
    }

    /// Resident memory now and at its peak, and the anonymous part now (heap and stacks, without
    /// the mapped code and data of the binary and its libraries), in bytes, from /proc (Linux).
    func memory() -> (rss: Int, peak: Int, anon: Int)? {
        guard let text = ProcFile.read("/proc/\(pid)/status") else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
        }
        guard let rss = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (rss, peak, field("RssAnon") ?? rss)
    }

    /// Copies the process's `/proc/PID/smaps` (every mapping with its resident, anonymous and
    /// swapped sizes) to `directory/NAME.smaps` and returns that path; nil if it cannot be read.
    /// A run whose RSS stands out can then be told apart mapping by mapping afterwards.
    func saveMemoryMap(in directory: String) -> String? {
        guard let text = ProcFile.read("/proc/\(pid)/smaps") else { return nil }
        let path = "\(directory)/\(name).smaps"
        return (try? text.write(toFile: path, atomically: true, encoding: .utf8)) == nil ? nil : path
    }

    /// Whether the process maps a shared library whose file name starts with `name` (Linux).
    func mapsLibrary(_ name: String) -> Bool {
        guard let maps = ProcFile.read("/proc/\(pid)/maps") else { return false }
        return maps.split(separator: "\n").contains { $0.split(separator: "/").last?.hasPrefix(name) == true }
    }

    /// CPU seconds (user + system) the process has used so far, from /proc (Linux).
    func cpuSeconds() -> Double? { ProcFile.cpuSeconds(pid: pid) }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A TCP port free right now on 127.0.0.1 (bound, read, released), for a child's listener.
func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    guard bound == 0 else { throw BenchError("bind() failed") }
    let named = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    guard named == 0 else { throw BenchError("getsockname() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Reads a /proc file to its end. Foundation sizes a read by the file's reported size, which
/// /proc gives as 0: it returned only the first 4 KiB of a 30 KiB `maps`.
enum ProcFile {
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// CPU seconds (user + system) process `pid` has used so far (Linux).
    static func cpuSeconds(pid: pid_t) -> Double? {
        guard let text = read("/proc/\(pid)/stat"),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
