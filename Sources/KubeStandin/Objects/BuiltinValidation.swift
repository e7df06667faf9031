import Foundation
import KubeModel

/// Validation of built-in kinds, as kube-apiserver's `pkg/apis/*/validation` does it, for the parts
/// clients meet in practice. Errors come in the real validator's order (object meta first, then the
/// spec), with apimachinery's field paths and messages.
///
/// Not covered (accepted as valid): affinity, probes' handler rules, resource quantities, volume
/// source details, security contexts, Service IP immutability and most status validation.
public enum BuiltinValidation {
    /// Validation of a built-in kind, as kube-apiserver's (the parts clients meet in practice:
    /// names, required fields, selector vs template labels, container names and images, ports,
    /// Event names, Lease fields). Returns every error, empty when valid.
    public static func validate(_ object: JSONValue, resource: ResourceDescriptor, operation: WriteOperation, old: JSONValue?) -> [FieldError] {
        var errs = NameValidation.objectMeta(object, nameValidator: nameValidator(for: resource))
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"):
            errs += deployment(object)
            if operation == .update, let old, let oldSelector = old[path: ["spec", "selector"]],
               let newSelector = object[path: ["spec", "selector"]], oldSelector != newSelector {
                errs.append(FieldError(.invalid, field: "spec.selector", value: newSelector, detail: "field is immutable"))
            }
        case ("", "Pod"):
            errs += podSpec(object["spec"] ?? .object([:]), field: "spec")
        case ("", "Service"): errs += service(object)
        case ("coordination.k8s.io", "Lease"): errs += lease(object)
        case ("events.k8s.io", "Event"): errs += eventV1(object)
        case ("autoscaling", "HorizontalPodAutoscaler"): errs += hpa(object)
        case ("", "Secret"), ("", "ConfigMap"):
            errs += dataKeys(object)
            if resource.kind == "Secret", operation == .update, let oldType = old?["type"], let newType = object["type"], oldType != newType {
                errs.append(FieldError(.invalid, field: "type", value: newType, detail: "field is immutable"))
            }
        default: break
        }
        return errs
    }

    /// The name rule each kind's `Validate*Name` uses.
    public static func nameValidator(for resource: ResourceDescriptor) -> NameValidation.NameValidator {
        switch (resource.group, resource.kind) {
        case ("", "Service"): return NameValidation.dns1035Name
        case ("", "Namespace"): return NameValidation.labelName
        case ("autoscaling", "HorizontalPodAutoscaler"): return NameValidation.pathSegment
        default: return NameValidation.subdomainName
        }
    }

    // MARK: Deployment

    static func deployment(_ d: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        let spec = d["spec"] ?? .object([:])
        errs += nonNegative(spec["replicas"], field: "spec.replicas")
        if let selector = spec["selector"], !selector.isNull {
            errs += labelSelector(selector, field: "spec.selector")
            if LabelSelectorMatch.isEmpty(selector) {
                errs.append(FieldError(.invalid, field: "spec.selector", value: selector, detail: "empty selector is invalid for deployment"))
            } else {
                let labels = spec[path: ["template", "metadata", "labels"]] ?? .object([:])
                if !LabelSelectorMatch.matches(selector, labels: labels) {
                    errs.append(FieldError(.invalid, field: "spec.template.metadata.labels", value: labels, detail: "`selector` does not match template `labels`"))
                }
            }
        } else {
            errs.append(FieldError(.required, field: "spec.selector"))
        }
        errs += NameValidation.labels(spec[path: ["template", "metadata", "labels"]], field: "spec.template.metadata.labels")
        let podSpec = spec[path: ["template", "spec"]] ?? .object([:])
        errs += self.podSpec(podSpec, field: "spec.template.spec")
        if let policy = podSpec["restartPolicy"]?.stringValue, policy != "Always" {
            errs.append(FieldError(.notSupported, field: "spec.template.spec.restartPolicy", value: .string(policy), detail: supported(["Always"])))
        }
        if let type = spec[path: ["strategy", "type"]]?.stringValue {
            if !["Recreate", "RollingUpdate"].contains(type) {
                errs.append(FieldError(.notSupported, field: "spec.strategy.type", value: .string(type), detail: supported(["Recreate", "RollingUpdate"])))
            } else if type == "Recreate", spec[path: ["strategy", "rollingUpdate"]] != nil {
                errs.append(FieldError(.forbidden, field: "spec.strategy.rollingUpdate", detail: "may not be specified when strategy `type` is 'Recreate'"))
            }
        }
        errs += nonNegative(spec["revisionHistoryLimit"], field: "spec.revisionHistoryLimit")
        errs += nonNegative(spec["progressDeadlineSeconds"], field: "spec.progressDeadlineSeconds")
        errs += nonNegative(spec["minReadySeconds"], field: "spec.minReadySeconds")
        return errs
    }

    /// `metav1validation.ValidateLabelSelector`: matchLabels as labels, matchExpressions operators.
    static func labelSelector(_ selector: JSONValue, field: String) -> [FieldError] {
        var errs = NameValidation.labels(selector["matchLabels"], field: field + ".matchLabels")
        for (i, expr) in (selector["matchExpressions"]?.arrayValue ?? []).enumerated() {
            let path = "\(field).matchExpressions[\(i)]"
            let op = expr["operator"]?.stringValue ?? ""
            let values = expr["values"]?.arrayValue ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty { errs.append(FieldError(.required, field: path + ".values", detail: "must be specified when `operator` is 'In' or 'NotIn'")) }
            case "Exists", "DoesNotExist":
                if !values.isEmpty { errs.append(FieldError(.forbidden, field: path + ".values", detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
            default:
                errs.append(FieldError(.invalid, field: path + ".operator", value: .string(op), detail: "not a valid selector operator"))
            }
            for msg in NameValidation.qualifiedName(expr["key"]?.stringValue ?? "") {
                errs.append(FieldError(.invalid, field: path + ".key", value: expr["key"] ?? "", detail: msg))
            }
        }
        return errs
    }

    // MARK: Pods

    static let containerProtocols = ["SCTP", "TCP", "UDP"]

    static func podSpec(_ spec: JSONValue, field: String) -> [FieldError] {
        var errs: [FieldError] = []
        var names = Set<String>()
        let containers = spec["containers"]?.arrayValue ?? []
        if containers.isEmpty { errs.append(FieldError(.required, field: field + ".containers")) }
        for (list, items) in [("initContainers", spec["initContainers"]?.arrayValue ?? []), ("containers", containers)] {
            for (i, c) in items.enumerated() {
                errs += container(c, field: "\(field).\(list)[\(i)]", names: &names)
            }
        }
        var volumeNames = Set<String>()
        for (i, v) in (spec["volumes"]?.arrayValue ?? []).enumerated() {
            let path = "\(field).volumes[\(i)].name"
            let name = v["name"]?.stringValue ?? ""
            if name.isEmpty {
                errs.append(FieldError(.required, field: path))
            } else {
                for msg in NameValidation.dns1123Label(name) { errs.append(FieldError(.invalid, field: path, value: .string(name), detail: msg)) }
                if !volumeNames.insert(name).inserted { errs.append(FieldError(.duplicate, field: path, value: .string(name))) }
            }
        }
        if let policy = spec["restartPolicy"]?.stringValue, !["Always", "OnFailure", "Never"].contains(policy) {
            errs.append(FieldError(.notSupported, field: field + ".restartPolicy", value: .string(policy), detail: supported(["Always", "OnFailure", "Never"])))
        }
        if let dns = spec["dnsPolicy"]?.stringValue, !["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"].contains(dns) {
            errs.append(FieldError(.notSupported, field: field + ".dnsPolicy", value: .string(dns), detail: supported(["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"])))
        }
        errs += nonNegative(spec["terminationGracePeriodSeconds"], field: field + ".terminationGracePeriodSeconds")
        return errs
    }

    static func container(_ c: JSONValue, field: String, names: inout Set<String>) -> [FieldError] {
        var errs: [FieldError] = []
        let name = c["name"]?.stringValue ?? ""
        if name.isEmpty {
            errs.append(FieldError(.required, field: field + ".name"))
        } else {
            for msg in NameValidation.dns1123Label(name) { errs.append(FieldError(.invalid, field: field + ".name", value: .string(name), detail: msg)) }
            if !names.insert(name).inserted { errs.append(FieldError(.duplicate, field: field + ".name", value: .string(name))) }
        }
        if (c["image"]?.stringValue ?? "").trimmingWhitespace.isEmpty {
            errs.append(FieldError(.required, field: field + ".image"))
        }
        for (i, p) in (c["ports"]?.arrayValue ?? []).enumerated() {
            let path = "\(field).ports[\(i)]"
            if !NameValidation.isValidPort(p["containerPort"]) {
                errs.append(FieldError(.invalid, field: path + ".containerPort", value: p["containerPort"] ?? 0, detail: NameValidation.portRangeMessage))
            }
            if let host = p["hostPort"], host != 0, !NameValidation.isValidPort(host) {
                errs.append(FieldError(.invalid, field: path + ".hostPort", value: host, detail: NameValidation.portRangeMessage))
            }
            errs += protocolCheck(p["protocol"], field: path + ".protocol")
        }
        if let policy = c["imagePullPolicy"]?.stringValue, !["Always", "IfNotPresent", "Never"].contains(policy) {
            errs.append(FieldError(.notSupported, field: field + ".imagePullPolicy", value: .string(policy), detail: supported(["Always", "IfNotPresent", "Never"])))
        }
        for (i, e) in (c["env"]?.arrayValue ?? []).enumerated() where (e["name"]?.stringValue ?? "").isEmpty {
            errs.append(FieldError(.required, field: "\(field).env[\(i)].name"))
        }
        return errs
    }

    static func protocolCheck(_ value: JSONValue?, field: String) -> [FieldError] {
        guard let proto = value?.stringValue else {
            return value == nil ? [] : [FieldError(.notSupported, field: field, value: value, detail: supported(containerProtocols))]
        }
        if proto.isEmpty { return [FieldError(.required, field: field)] }
        return containerProtocols.contains(proto) ? [] : [FieldError(.notSupported, field: field, value: .string(proto), detail: supported(containerProtocols))]
    }

    // MARK: Services

    static let serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]

    static func service(_ s: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        let spec = s["spec"] ?? .object([:])
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if !serviceTypes.contains(type) {
            errs.append(FieldError(.notSupported, field: "spec.type", value: .string(type), detail: supported(serviceTypes)))
        }
        let ports = spec["ports"]?.arrayValue ?? []
        let headless = spec["clusterIP"]?.stringValue == "None"
        if ports.isEmpty, type != "ExternalName", !headless {
            errs.append(FieldError(.required, field: "spec.ports"))
        }
        var names = Set<String>()
        for (i, p) in ports.enumerated() {
            let path = "spec.ports[\(i)]"
            let name = p["name"]?.stringValue ?? ""
            if name.isEmpty {
                if ports.count > 1 { errs.append(FieldError(.required, field: path + ".name")) }
            } else {
                for msg in NameValidation.dns1123Label(name) { errs.append(FieldError(.invalid, field: path + ".name", value: .string(name), detail: msg)) }
                if !names.insert(name).inserted { errs.append(FieldError(.duplicate, field: path + ".name", value: .string(name))) }
            }
            if !NameValidation.isValidPort(p["port"]) {
                errs.append(FieldError(.invalid, field: path + ".port", value: p["port"] ?? 0, detail: NameValidation.portRangeMessage))
            }
            errs += protocolCheck(p["protocol"], field: path + ".protocol")
            if let target = p["targetPort"], target.intValue != nil, !NameValidation.isValidPort(target) {
                errs.append(FieldError(.invalid, field: path + ".targetPort", value: target, detail: NameValidation.portRangeMessage))
            }
        }
        if type == "ExternalName", (spec["externalName"]?.stringValue ?? "").isEmpty {
            errs.append(FieldError(.required, field: "spec.externalName"))
        }
        errs += NameValidation.labels(spec["selector"], field: "spec.selector")
        return errs
    }

    // MARK: Coordination, events, autoscaling, config

    static func lease(_ l: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        if let d = l[path: ["spec", "leaseDurationSeconds"]], (d.intValue ?? 0) <= 0 {
            errs.append(FieldError(.invalid, field: "spec.leaseDurationSeconds", value: d, detail: "must be greater than 0"))
        }
        errs += nonNegative(l[path: ["spec", "leaseTransitions"]], field: "spec.leaseTransitions")
        return errs
    }

    /// Length limits of events.k8s.io/v1 Event fields.
    static let eventActionMaxLength = 128
    static let eventReasonMaxLength = 128
    static let eventNoteMaxLength = 1024

    static func eventV1(_ e: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        if e["eventTime"] == nil || e["eventTime"]!.isNull { errs.append(FieldError(.required, field: "eventTime")) }
        let type = e["type"]?.stringValue ?? ""
        if !["Normal", "Warning"].contains(type) {
            errs.append(FieldError(.notSupported, field: "type", value: .string(type), detail: supported(["Normal", "Warning"])))
        }
        let controller = e["reportingController"]?.stringValue ?? ""
        if controller.isEmpty {
            errs.append(FieldError(.required, field: "reportingController"))
        } else {
            for msg in NameValidation.qualifiedName(controller) { errs.append(FieldError(.invalid, field: "reportingController", value: .string(controller), detail: msg)) }
        }
        if (e["reportingInstance"]?.stringValue ?? "").isEmpty { errs.append(FieldError(.required, field: "reportingInstance")) }
        for (field, limit) in [("action", eventActionMaxLength), ("reason", eventReasonMaxLength)] {
            let value = e[field]?.stringValue ?? ""
            if value.isEmpty { errs.append(FieldError(.required, field: field)) }
            else if value.utf8.count > limit { errs.append(FieldError(.tooLong, field: field, detail: "may not be more than \(limit) bytes")) }
        }
        if let note = e["note"]?.stringValue, note.utf8.count > eventNoteMaxLength {
            errs.append(FieldError(.tooLong, field: "note", detail: "may not be more than \(eventNoteMaxLength) bytes"))
        }
        return errs
    }

    static func hpa(_ h: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        let spec = h["spec"] ?? .object([:])
        for part in ["kind", "name"] where (spec[path: ["scaleTargetRef", part]]?.stringValue ?? "").isEmpty {
            errs.append(FieldError(.required, field: "spec.scaleTargetRef.\(part)"))
        }
        let minReplicas = spec["minReplicas"]?.intValue ?? 1
        if minReplicas < 1 {
            errs.append(FieldError(.invalid, field: "spec.minReplicas", value: .int(minReplicas), detail: "must be greater than or equal to 1"))
        }
        let maxReplicas = spec["maxReplicas"]?.intValue ?? 0
        if maxReplicas < 1 {
            errs.append(FieldError(.invalid, field: "spec.maxReplicas", value: .int(maxReplicas), detail: "must be greater than 0"))
        } else if maxReplicas < minReplicas {
            errs.append(FieldError(.invalid, field: "spec.maxReplicas", value: .int(maxReplicas), detail: "must be greater than or equal to `minReplicas`"))
        }
        return errs
    }

    static func dataKeys(_ o: JSONValue) -> [FieldError] {
        var errs: [FieldError] = []
        for field in ["data", "stringData", "binaryData"] {
            for key in (o[field]?.objectValue ?? [:]).keys.sorted() {
                for msg in NameValidation.configMapKey(key) {
                    errs.append(FieldError(.invalid, field: "\(field)[\(key)]", value: .string(key), detail: msg))
                }
            }
        }
        return errs
    }

    // MARK: Helpers

    /// `ValidateNonnegativeField`.
    static func nonNegative(_ value: JSONValue?, field: String) -> [FieldError] {
        guard let value, let n = value.intValue, n < 0 else { return [] }
        return [FieldError(.invalid, field: field, value: value, detail: "must be greater than or equal to 0")]
    }

    /// The `supported values: "a", "b"` detail of `field.NotSupported`.
    public static func supported(_ values: [String]) -> String {
        "supported values: " + values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// `metav1.LabelSelector` matching (`matchLabels` and `matchExpressions`).
public enum LabelSelectorMatch {
    /// A selector with neither labels nor expressions (selects everything, or nothing for workloads).
    public static func isEmpty(_ selector: JSONValue) -> Bool {
        (selector["matchLabels"]?.objectValue ?? [:]).isEmpty && (selector["matchExpressions"]?.arrayValue ?? []).isEmpty
    }

    public static func matches(_ selector: JSONValue, labels: JSONValue) -> Bool {
        let have = labels.objectValue ?? [:]
        for (k, v) in selector["matchLabels"]?.objectValue ?? [:] where have[k] != v { return false }
        for expr in selector["matchExpressions"]?.arrayValue ?? [] {
            let key = expr["key"]?.stringValue ?? ""
            let values = Set((expr["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            let value = have[key]?.stringValue
            switch expr["operator"]?.stringValue {
            case "In": if value.map({ !values.contains($0) }) ?? true { return false }
            case "NotIn": if let value, values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}
