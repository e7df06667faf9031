/// The openAPIV3Schema of DynamoDeployment.
enum RootSchema {
    static var schema: OrderedYAML {
        S.object("DynamoDeployment describes an LLM-serving graph of components; the operator turns each deployed component into a Deployment, a Service (when it has ports) and a HorizontalPodAutoscaler (when it autoscales).",
                 properties: [
                    ("apiVersion", .map([("type", .string("string"))])),
                    ("kind", .map([("type", .string("string"))])),
                    ("metadata", .map([("type", .string("object"))])),
                    ("spec", spec),
                    ("status", StatusSchema.schema),
                 ],
                 required: ["spec"],
                 rules: [CELRules.metadataNameLabel, CELRules.childNameLength])
    }

    static var spec: OrderedYAML {
        S.object("The desired graph.", properties: [
            ("components", S.list("The graph's components, merged by name.", items: component,
                                  maxItems: APILimits.maxComponents, minItems: 1, listType: "map", mapKeys: ["name"])),
            ("entrypoints", S.list("When set, only components reachable from these through dependsOn, plus sidecars, are deployed; the rest are reported Unused.",
                                   items: S.string("A component name.", maxLength: APILimits.maxComponentNameLength),
                                   maxItems: APILimits.maxEntrypoints, listType: "set")),
            ("env", envMap("Environment common to every component; a component's own env wins.")),
            ("secretName", S.string("The Secret that secrets and ${{ secrets.KEY }} values read from.",
                                    pattern: APILimits.dns1123Subdomain, maxLength: APILimits.maxSecretNameLength, minLength: 1)),
            ("version", S.string("Free-form version of the IR this object was converted from.", maxLength: APILimits.maxVersionLength)),
        ], required: ["components"], rules: [CELRules.dependsOnExist, CELRules.entrypointsExist, CELRules.secretsNeedSecretName])
    }

    static func envMap(_ description: String) -> OrderedYAML {
        S.map(description, values: .map([("type", .string("string")), ("maxLength", .int(APILimits.maxEnvValueLength))]),
              maxProperties: APILimits.maxEnv, rules: [CELRules.secretExpressions])
    }

    static var component: OrderedYAML {
        S.object("A component: one Deployment named <metadata.name>-<name>.", properties: [
            ("name", S.string("DNS-1035 label naming the component.", pattern: APILimits.dns1035Label,
                              maxLength: APILimits.maxComponentNameLength, minLength: 1)),
            ("image", S.string("Container image of the main container.", maxLength: APILimits.maxImageLength, minLength: 1)),
            ("command", S.list("Entrypoint of the main container.", items: S.string("An argument.", maxLength: APILimits.maxArgLength),
                               maxItems: APILimits.maxArgs, listType: "atomic")),
            ("args", S.list("Arguments of the main container.", items: S.string("An argument.", maxLength: APILimits.maxArgLength),
                            maxItems: APILimits.maxArgs, listType: "atomic")),
            ("replicas", S.integer("Number of pods; left to the HPA when autoscaling is set.", minimum: 0, defaultValue: Defaults.replicas)),
            ("ports", S.list("Ports the component serves; any port gives the component a ClusterIP Service.", items: port,
                             maxItems: APILimits.maxPorts, listType: "map", mapKeys: ["name"])),
            ("resources", S.object("Requests and limits; the key gpu means nvidia.com/gpu.", properties: [
                ("requests", S.map("Minimum resources.", values: S.quantity("A quantity."), maxProperties: APILimits.maxResourceKeys)),
                ("limits", S.map("Maximum resources.", values: S.quantity("A quantity."), maxProperties: APILimits.maxResourceKeys)),
            ])),
            ("env", envMap("Environment of the main container; a value ${{ secrets.KEY }} reads key KEY of spec.secretName.")),
            ("secrets", S.list("Keys of spec.secretName exposed as environment variables of the same name.",
                               items: S.string("A secret key.", pattern: APILimits.envVarName, maxLength: APILimits.maxKeyLength),
                               maxItems: APILimits.maxSecrets, listType: "set")),
            ("dependsOn", S.list("Components this one needs; it waits for them and gets DYNAMO_<D>_HOST/PORT for each with ports.",
                                 items: S.string("A component name.", maxLength: APILimits.maxComponentNameLength),
                                 maxItems: APILimits.maxDependsOn, listType: "set")),
            ("autoscaling", S.object("CPU-based autoscaling through a HorizontalPodAutoscaler.", properties: [
                ("minReplicas", S.integer("Lower bound.", minimum: 1, maximum: APILimits.maxHPAReplicas, defaultValue: Defaults.minReplicas)),
                ("maxReplicas", S.integer("Upper bound.", minimum: 1, maximum: APILimits.maxHPAReplicas)),
                ("targetCPUUtilizationPercentage", S.integer("Target average CPU utilisation, percent of requests.",
                                                            minimum: 1, maximum: 100, defaultValue: Defaults.targetCPUUtilizationPercentage)),
            ], required: ["maxReplicas"], rules: [CELRules.minNotAboveMax])),
            ("sidecar", S.bool("Always deployed, even outside the entrypoints' subgraph.")),
            ("sharedMemory", S.quantity("Size of an in-memory emptyDir mounted at /dev/shm.")),
            ("podTemplate", .map([
                ("description", .string("A partial PodTemplateSpec merged into the generated one; the component's container is named main and explicit component fields win.")),
                ("type", .string("object")),
                ("x-kubernetes-preserve-unknown-fields", .bool(true)),
            ])),
        ], required: ["name", "image"], rules: [CELRules.noSelfDependency])
    }

    static var port: OrderedYAML {
        S.object("A named port.", properties: [
            ("name", S.string("DNS-1035 label naming the port.", pattern: APILimits.dns1035Label, maxLength: APILimits.maxPortNameLength, minLength: 1)),
            ("port", S.integer("Container and Service port.", minimum: 1, maximum: 65535)),
            ("protocol", S.string("Protocol.", enumValues: APILimits.protocols, defaultValue: Defaults.portProtocol)),
        ], required: ["name", "port"])
    }
}
