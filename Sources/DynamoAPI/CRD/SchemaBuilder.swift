/// Small constructors for OpenAPI v3 schema nodes, in a fixed key order.
enum S {
    typealias Pairs = [(String, OrderedYAML)]

    static func string(_ description: String, pattern: String? = nil, maxLength: Int? = nil, minLength: Int? = nil,
                       enumValues: [String]? = nil, defaultValue: String? = nil) -> OrderedYAML {
        var p: Pairs = [("description", .string(description)), ("type", .string("string"))]
        if let defaultValue { p.append(("default", .string(defaultValue))) }
        if let enumValues { p.append(("enum", .list(enumValues.map(OrderedYAML.string)))) }
        if let minLength { p.append(("minLength", .int(minLength))) }
        if let maxLength { p.append(("maxLength", .int(maxLength))) }
        if let pattern { p.append(("pattern", .string(pattern))) }
        return .map(p)
    }

    static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil, defaultValue: Int? = nil,
                        format: String = "int32") -> OrderedYAML {
        var p: Pairs = [("description", .string(description)), ("type", .string("integer")), ("format", .string(format))]
        if let defaultValue { p.append(("default", .int(defaultValue))) }
        if let minimum { p.append(("minimum", .int(minimum))) }
        if let maximum { p.append(("maximum", .int(maximum))) }
        return .map(p)
    }

    static func bool(_ description: String, defaultValue: Bool? = nil) -> OrderedYAML {
        var p: Pairs = [("description", .string(description)), ("type", .string("boolean"))]
        if let defaultValue { p.append(("default", .bool(defaultValue))) }
        return .map(p)
    }

    /// A Kubernetes quantity: integer or string, the way built-in CRDs declare it.
    static func quantity(_ description: String) -> OrderedYAML {
        .map([
            ("description", .string(description)),
            ("anyOf", .list([.map([("type", .string("integer"))]), .map([("type", .string("string"))])])),
            ("pattern", .string(APILimits.quantity)),
            ("x-kubernetes-int-or-string", .bool(true)),
        ])
    }

    static func list(_ description: String, items: OrderedYAML, maxItems: Int, minItems: Int? = nil,
                     listType: String? = nil, mapKeys: [String]? = nil, rules: [Rule] = []) -> OrderedYAML {
        var p: Pairs = [("description", .string(description)), ("type", .string("array")), ("items", items)]
        if let minItems { p.append(("minItems", .int(minItems))) }
        p.append(("maxItems", .int(maxItems)))
        if let listType { p.append(("x-kubernetes-list-type", .string(listType))) }
        if let mapKeys { p.append(("x-kubernetes-list-map-keys", .list(mapKeys.map(OrderedYAML.string)))) }
        if !rules.isEmpty { p.append(("x-kubernetes-validations", .list(rules.map(\.yaml)))) }
        return .map(p)
    }

    static func map(_ description: String, values: OrderedYAML, maxProperties: Int, rules: [Rule] = []) -> OrderedYAML {
        var p: Pairs = [("description", .string(description)), ("type", .string("object")),
                        ("additionalProperties", values), ("maxProperties", .int(maxProperties))]
        if !rules.isEmpty { p.append(("x-kubernetes-validations", .list(rules.map(\.yaml)))) }
        return .map(p)
    }

    static func object(_ description: String?, properties: Pairs, required: [String] = [], rules: [Rule] = [],
                       extra: Pairs = []) -> OrderedYAML {
        var p: Pairs = []
        if let description { p.append(("description", .string(description))) }
        p.append(("type", .string("object")))
        if !required.isEmpty { p.append(("required", .list(required.map(OrderedYAML.string)))) }
        p.append(("properties", .map(properties)))
        p += extra
        if !rules.isEmpty { p.append(("x-kubernetes-validations", .list(rules.map(\.yaml)))) }
        return .map(p)
    }

    /// A CEL `x-kubernetes-validations` entry.
    struct Rule {
        var rule: String
        var message: String
        var fieldPath: String? = nil
        var reason: String? = nil

        var yaml: OrderedYAML {
            var p: Pairs = [("rule", .string(rule)), ("message", .string(message))]
            if let fieldPath { p.append(("fieldPath", .string(fieldPath))) }
            if let reason { p.append(("reason", .string(reason))) }
            return .map(p)
        }
    }
}
