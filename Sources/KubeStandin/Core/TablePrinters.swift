import Foundation
import KubeModel

/// How one resource prints as `meta.k8s.io` Table rows: its column definitions and the cells of
/// one object, as kube-apiserver's table convertors produce them (always "wide": kubectl hides
/// `priority > 0` columns unless `-o wide`).
///
/// - Custom resources: `Name` + each `additionalPrinterColumns` entry of the served version
///   (or `Age` when the CRD declares none), cells computed like the apiextensions convertor:
///   the first JSONPath result; `string` columns print it as text, `integer`/`number`/`boolean`
///   keep the JSON value, `date` columns become a human age (`5m`); no result → null.
/// - Deployments, Services, Namespaces, ConfigMaps, Secrets, Leases: the columns of the real
///   printers (k8s.io/kubernetes/pkg/printers/internalversion).
/// - Everything else (Pods, Events, HPAs, CRDs ...): the generic convertor's `Name` +
///   `Created At` (RFC 3339). APPROXIMATION for Pods, Events and HPAs, whose real printers
///   have more columns; CRDs really use the generic convertor.
///
/// Guarantees: every row has exactly as many cells as there are column definitions.
struct TablePrinter: Sendable {
    var columns: [JSONValue]
    var cells: @Sendable (_ object: JSONValue, _ now: Date) -> [JSONValue]

    static let nameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    static let creationDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

    static func column(_ name: String, _ description: String, type: String = "string", format: String = "", priority: Int64 = 0) -> JSONValue {
        ["name": .string(name), "type": .string(type), "format": .string(format), "description": .string(description), "priority": .int(priority)]
    }

    static let nameColumn = column("Name", nameDescription, format: "name")
    static let ageColumn = column("Age", creationDescription)

    static func name(_ o: JSONValue) -> JSONValue { o[path: ["metadata", "name"]] ?? "" }
    static func age(_ o: JSONValue, _ now: Date) -> JSONValue {
        .string(HumanDuration.since(o[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now))
    }

    // MARK: - Choosing a printer

    /// The printer for `info` at `version`; `crd` is the defining CRD for custom resources.
    static func forResource(_ info: ResourceInfo, version: String, crd: JSONValue?) -> TablePrinter {
        if info.isCustom { return custom(crd: crd, version: version) }
        switch info.groupResource {
        case "deployments.apps": return deployment
        case "services": return service
        case "namespaces": return namespace
        case "configmaps": return configMap
        case "secrets": return secret
        case "leases.coordination.k8s.io": return lease
        default: return generic
        }
    }

    /// `rest.NewDefaultTableConvertor`: Name and Created At.
    static let generic = TablePrinter(
        columns: [nameColumn, column("Created At", creationDescription, type: "date")],
        cells: { o, _ in [name(o), o[path: ["metadata", "creationTimestamp"]] ?? .null] })

    static func custom(crd: JSONValue?, version: String) -> TablePrinter {
        let versionSpec = (crd?[path: ["spec", "versions"]]?.arrayValue ?? []).first { $0["name"]?.stringValue == version }
        var defs = versionSpec?["additionalPrinterColumns"]?.arrayValue ?? []
        if defs.isEmpty {
            defs = [["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp", "description": .string(creationDescription)]]
        }
        var columns = [nameColumn]
        var paths: [(PrinterJSONPath?, String)] = []
        for d in defs {
            let path = d["jsonPath"]?.stringValue ?? ""
            let type = d["type"]?.stringValue ?? "string"
            let description = d["description"]?.stringValue ?? "Custom resource definition column (in JSONPath format): \(path)"
            columns.append(column(d["name"]?.stringValue ?? "", description, type: type, format: d["format"]?.stringValue ?? "",
                                  priority: d["priority"]?.intValue ?? 0))
            paths.append((PrinterJSONPath(path), type))
        }
        let compiled = paths
        return TablePrinter(columns: columns, cells: { o, now in
            [name(o)] + compiled.map { path, type in
                guard let first = path?.evaluate(o).first else { return .null }
                return cell(first, type: type, now: now)
            }
        })
    }

    /// `cellForJSONValue` of the apiextensions table convertor (strings via JSONPath printing).
    static func cell(_ value: JSONValue, type: String, now: Date) -> JSONValue {
        switch type {
        case "string": return value.isNull ? .null : .string(text(value))
        case "integer":
            if case .int = value { return value }
            if let d = value.doubleValue { return .int(Int64(d)) }
            return .null
        case "number": return value.doubleValue != nil ? value : .null
        case "boolean": return value.boolValue != nil ? value : .null
        case "date":
            guard let s = value.stringValue else { return .null }
            return KubeTime.parse(s) == nil ? "<invalid>" : .string(HumanDuration.since(s, now: now))
        default: return .null
        }
    }

    /// A JSON value printed as JSONPath output prints it (maps and lists as compact JSON).
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return JSONWire.integral(d).map { String($0) } ?? String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return String(decoding: JSONWire.encode(value), as: UTF8.self)
        }
    }

    // MARK: - Built-in printers

    static let deployment = TablePrinter(
        columns: [nameColumn, column("Ready", "Number of the pod with ready state"),
                  column("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                  column("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                  ageColumn,
                  column("Containers", "Names of each container in the template.", priority: 1),
                  column("Images", "Images referenced by each container in the template.", priority: 1),
                  column("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", priority: 1)],
        cells: { o, now in
            let status = o["status"] ?? [:]
            let ready = status["readyReplicas"]?.intValue ?? 0
            let desired = o[path: ["spec", "replicas"]]?.intValue ?? 0
            let containers = o[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
            return [name(o), .string("\(ready)/\(desired)"), .int(status["updatedReplicas"]?.intValue ?? 0),
                    .int(status["availableReplicas"]?.intValue ?? 0), age(o, now),
                    .string(containers.map { $0["name"]?.stringValue ?? "" }.joined(separator: ",")),
                    .string(containers.map { $0["image"]?.stringValue ?? "" }.joined(separator: ",")),
                    .string(selectorText(o[path: ["spec", "selector"]]))]
        })

    static let service = TablePrinter(
        columns: [nameColumn,
                  column("Type", "type determines how the Service is exposed. Defaults to ClusterIP."),
                  column("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
                  column("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
                  column("Port(s)", "The list of ports that are exposed by this service."),
                  ageColumn,
                  column("Selector", "Route service traffic to pods with label keys and values matching this selector.", priority: 1)],
        cells: { o, now in
            let spec = o["spec"] ?? [:]
            let type = spec["type"]?.stringValue ?? ""
            let clusterIP = spec["clusterIPs"]?.arrayValue?.first?.stringValue ?? "<none>"
            let externalIPs = spec["externalIPs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let external: String
            switch type {
            case "ClusterIP", "NodePort": external = externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
            case "LoadBalancer":
                let lb = (o[path: ["status", "loadBalancer", "ingress"]]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
                let all = lb + externalIPs
                external = all.isEmpty ? "<pending>" : all.joined(separator: ",")
            case "ExternalName": external = spec["externalName"]?.stringValue ?? ""
            default: external = "<unknown>"
            }
            let ports = (spec["ports"]?.arrayValue ?? []).map { p -> String in
                let port = p["port"]?.intValue ?? 0
                let proto = p["protocol"]?.stringValue ?? "TCP"
                if let node = p["nodePort"]?.intValue, node > 0 { return "\(port):\(node)/\(proto)" }
                return "\(port)/\(proto)"
            }
            return [name(o), .string(type), .string(clusterIP), .string(external),
                    .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), age(o, now),
                    .string(labelsText(spec["selector"]?.objectValue ?? [:]))]
        })

    static let namespace = TablePrinter(
        columns: [nameColumn, column("Status", "The status of the namespace"), ageColumn],
        cells: { o, now in [name(o), o[path: ["status", "phase"]] ?? "", age(o, now)] })

    static let configMap = TablePrinter(
        columns: [nameColumn, column("Data", "Data contains the configuration data."), ageColumn],
        cells: { o, now in
            [name(o), .int(Int64((o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0))), age(o, now)]
        })

    static let secret = TablePrinter(
        columns: [nameColumn, column("Type", "Used to facilitate programmatic handling of secret data."),
                  column("Data", "Data contains the secret data."), ageColumn],
        cells: { o, now in
            let keys = Set((o["data"]?.objectValue ?? [:]).keys).union((o["stringData"]?.objectValue ?? [:]).keys)
            return [name(o), o["type"] ?? "Opaque", .int(Int64(keys.count)), age(o, now)]
        })

    static let lease = TablePrinter(
        columns: [nameColumn, column("Holder", "holderIdentity contains the identity of the holder of a current lease."), ageColumn],
        cells: { o, now in [name(o), o[path: ["spec", "holderIdentity"]] ?? "", age(o, now)] })

    /// `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty.
    static func labelsText(_ labels: [String: JSONValue]) -> String {
        labels.isEmpty ? "<none>" : labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ",")
    }

    /// `metav1.LabelSelectorAsSelector(...).String()`: requirements sorted by key.
    static func selectorText(_ selector: JSONValue?) -> String {
        guard let selector else { return "" }
        var reqs: [(String, String)] = []
        for (k, v) in selector["matchLabels"]?.objectValue ?? [:] { reqs.append((k, "\(k)=\(v.stringValue ?? "")")) }
        for e in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = e["key"]?.stringValue ?? ""
            let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch e["operator"]?.stringValue ?? "" {
            case "In": reqs.append((key, "\(key) in (\(values))"))
            case "NotIn": reqs.append((key, "\(key) notin (\(values))"))
            case "Exists": reqs.append((key, key))
            case "DoesNotExist": reqs.append((key, "!\(key)"))
            default: continue
            }
        }
        return reqs.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: ",")
    }
}

/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, as the server's printers render ages.
enum HumanDuration {
    /// The age of an RFC 3339 timestamp at `now`; `<unknown>` when absent or unparsable.
    static func since(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, let t = KubeTime.parse(timestamp) else { return "<unknown>" }
        return format(now.timeIntervalSince(t))
    }

    static func format(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
