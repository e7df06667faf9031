import Foundation
import KubeModel

/// apimachinery's name and label validators (`k8s.io/apimachinery/pkg/util/validation`), with
/// their messages word for word. Each returns the list of messages, empty when the value is valid.
public enum NameValidation {
    /// RFC 1123 labels and DNS-1035 labels are at most 63 characters.
    public static let labelMaxLength = 63
    /// RFC 1123 subdomains are at most 253 characters.
    public static let subdomainMaxLength = 253

    static let dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
    static let dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
    static let configMapKeyFmt = "[-._a-zA-Z0-9]+"

    /// apimachinery's `RegexError`: the message, the examples (joined with `,  or `) and the regex.
    static func regexError(_ msg: String, _ fmt: String, _ examples: String...) -> String {
        guard !examples.isEmpty else { return msg + " (regex used for validation is '" + fmt + "')" }
        var out = msg + " (e.g. "
        for (i, e) in examples.enumerated() {
            if i > 0 { out += " or " }
            out += "'" + e + "', "
        }
        return out + "regex used for validation is '" + fmt + "')"
    }

    public static func maxLenError(_ n: Int) -> String { "must be no more than \(n) characters" }

    public static func dns1123Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.count > labelMaxLength { errs.append(maxLenError(labelMaxLength)) }
        if !NameSyntax.isDNS1123Label(s) {
            errs.append(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", dns1123LabelFmt, "my-name", "123-abc"))
        }
        return errs
    }

    public static func dns1123Subdomain(_ s: String) -> [String] {
        var errs: [String] = []
        if s.count > subdomainMaxLength { errs.append(maxLenError(subdomainMaxLength)) }
        if !NameSyntax.isDNS1123Subdomain(s) {
            errs.append(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", dns1123SubdomainFmt, "example.com"))
        }
        return errs
    }

    public static func dns1035Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.count > labelMaxLength { errs.append(maxLenError(labelMaxLength)) }
        if !NameSyntax.isDNS1035Label(s) {
            errs.append(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", dns1035LabelFmt, "my-name", "abc-123"))
        }
        return errs
    }

    /// `ValidatePathSegmentName`: the names of HPAs and other kinds that only need to be URL-safe.
    public static func pathSegmentName(_ s: String, prefix: Bool) -> [String] {
        var errs: [String] = []
        if !prefix, s == "." || s == ".." { errs.append("may not be '\(s)'") }
        for bad in ["/", "%"] where s.contains(bad) { errs.append("may not contain '\(bad)'") }
        return errs
    }

    /// A name validator as `ValidateObjectMeta` calls it: `prefix` is true for `generateName`, whose
    /// trailing `-` is allowed (apimachinery's `maskTrailingDash`).
    public typealias NameValidator = @Sendable (_ name: String, _ prefix: Bool) -> [String]

    public static let subdomainName: NameValidator = { name, prefix in dns1123Subdomain(prefix ? maskTrailingDash(name) : name) }
    public static let labelName: NameValidator = { name, prefix in dns1123Label(prefix ? maskTrailingDash(name) : name) }
    public static let dns1035Name: NameValidator = { name, prefix in dns1035Label(prefix ? maskTrailingDash(name) : name) }
    public static let pathSegment: NameValidator = { name, prefix in pathSegmentName(name, prefix: prefix) }

    static func maskTrailingDash(_ s: String) -> String {
        s.count > 1 && s.hasSuffix("-") ? String(s.dropLast()) + "a" : s
    }

    /// `IsQualifiedName`: label and annotation keys, `[prefix/]name`.
    public static func qualifiedName(_ value: String) -> [String] {
        var errs: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errs.append("prefix part must be non-empty")
            } else {
                errs += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", qualifiedNameFmt, "MyName", "my.name", "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errs.append("name part must be non-empty")
        } else if name.count > labelMaxLength {
            errs.append("name part " + maxLenError(labelMaxLength))
        }
        if !NameSyntax.isQualifiedNamePart(name) {
            errs.append("name part " + regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", qualifiedNameFmt, "MyName", "my.name", "123-abc"))
        }
        return errs
    }

    /// `IsValidLabelValue`.
    public static func labelValue(_ value: String) -> [String] {
        var errs: [String] = []
        if value.count > labelMaxLength { errs.append(maxLenError(labelMaxLength)) }
        if !(value.isEmpty || NameSyntax.isQualifiedNamePart(value)) {
            errs.append(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", labelValueFmt, "MyValue", "my_value", "12345"))
        }
        return errs
    }

    /// `IsConfigMapKey`: keys of Secret and ConfigMap data.
    public static func configMapKey(_ value: String) -> [String] {
        var errs: [String] = []
        if value.count > subdomainMaxLength { errs.append(maxLenError(subdomainMaxLength)) }
        if !NameSyntax.isConfigMapKey(value) {
            errs.append(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, "key.name", "KEY_NAME", "key-name"))
        }
        if value == "." { errs.append("must not be '.'") }
        else if value == ".." { errs.append("must not be '..'") }
        else if value.hasPrefix("..") { errs.append("must not start with '..'") }
        return errs
    }

    /// `IsValidPortNum` message.
    public static let portRangeMessage = "must be between 1 and 65535, inclusive"
    public static func isValidPort(_ v: JSONValue?) -> Bool {
        guard let p = v?.intValue else { return false }
        return (1...65535).contains(p)
    }

    /// `ValidateObjectMeta`'s checks on name, generateName, labels and annotations, in its order.
    public static func objectMeta(_ object: JSONValue, nameValidator: NameValidator) -> [FieldError] {
        var errs: [FieldError] = []
        let meta = object["metadata"] ?? .object([:])
        let name = meta["name"]?.stringValue ?? ""
        let generateName = meta["generateName"]?.stringValue ?? ""
        if !generateName.isEmpty {
            for msg in nameValidator(generateName, true) {
                errs.append(FieldError(.invalid, field: "metadata.generateName", value: .string(generateName), detail: msg))
            }
        }
        if name.isEmpty {
            errs.append(FieldError(.required, field: "metadata.name", detail: "name or generateName is required"))
        } else {
            for msg in nameValidator(name, false) {
                errs.append(FieldError(.invalid, field: "metadata.name", value: .string(name), detail: msg))
            }
        }
        errs += labels(meta["labels"], field: "metadata.labels")
        errs += annotations(meta["annotations"], field: "metadata.annotations")
        return errs
    }

    /// `ValidateLabels`: qualified-name keys, label values (sorted by key, as Go iterates sorted here).
    public static func labels(_ labels: JSONValue?, field: String) -> [FieldError] {
        guard let map = labels?.objectValue else { return [] }
        var errs: [FieldError] = []
        for key in map.keys.sorted() {
            for msg in qualifiedName(key) { errs.append(FieldError(.invalid, field: field, value: .string(key), detail: msg)) }
            let value = map[key]?.stringValue ?? ""
            for msg in labelValue(value) { errs.append(FieldError(.invalid, field: field, value: .string(value), detail: msg)) }
        }
        return errs
    }

    /// Total annotation size limit (`TotalAnnotationSizeLimitB`): 256 KiB.
    public static let totalAnnotationSizeLimit = 256 * 1024

    /// `ValidateAnnotations`: qualified-name keys (lower-cased) and the total size.
    public static func annotations(_ annotations: JSONValue?, field: String) -> [FieldError] {
        guard let map = annotations?.objectValue else { return [] }
        var errs: [FieldError] = []
        var total = 0
        for key in map.keys.sorted() {
            for msg in qualifiedName(key.lowercased()) { errs.append(FieldError(.invalid, field: field, value: .string(key), detail: msg)) }
            total += key.utf8.count + (map[key]?.stringValue?.utf8.count ?? 0)
        }
        if total > totalAnnotationSizeLimit {
            errs.append(FieldError(.tooLong, field: field, detail: "may not be more than \(totalAnnotationSizeLimit) bytes"))
        }
        return errs
    }
}
