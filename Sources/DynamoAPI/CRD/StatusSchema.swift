/// The status part of the schema (written only through the status subresource).
enum StatusSchema {
    static var schema: OrderedYAML {
        S.object("Observed state, written by the operator.", properties: [
            ("observedGeneration", S.integer("The metadata.generation this status describes.", minimum: 0, format: "int64")),
            ("phase", S.string("Phase of the deployment.", enumValues: DeploymentPhase.allCases.map(\.rawValue))),
            ("conditions", S.list("Conditions of types Ready, Progressing and Valid.", items: condition, maxItems: 16,
                                  listType: "map", mapKeys: ["type"])),
            ("components", S.list("Per-component state.", items: component, maxItems: APILimits.maxComponents,
                                  listType: "map", mapKeys: ["name"])),
            ("readyComponents", S.string("Ready components out of deployed ones, e.g. 3/4.", maxLength: 16)),
        ])
    }

    static var condition: OrderedYAML {
        S.object("A metav1.Condition.", properties: [
            ("type", S.string("Condition type.", pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$", maxLength: 316)),
            ("status", S.string("True, False or Unknown.", enumValues: ["True", "False", "Unknown"])),
            ("observedGeneration", S.integer("The generation the condition was set for.", minimum: 0, format: "int64")),
            ("lastTransitionTime", .map([("description", .string("When the status last changed.")), ("type", .string("string")), ("format", .string("date-time"))])),
            ("reason", S.string("CamelCase reason.", pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", maxLength: 1024, minLength: 1)),
            ("message", S.string("Human-readable details.", maxLength: 32768)),
        ], required: ["type", "status", "lastTransitionTime", "reason", "message"])
    }

    static var component: OrderedYAML {
        S.object("State of one component.", properties: [
            ("name", S.string("Component name.", maxLength: APILimits.maxComponentNameLength)),
            ("phase", S.string("Phase of the component.", enumValues: ComponentPhase.allCases.map(\.rawValue))),
            ("waitingFor", S.list("Dependencies not ready yet.", items: S.string("A component name.", maxLength: APILimits.maxComponentNameLength),
                                  maxItems: APILimits.maxDependsOn, listType: "atomic")),
            ("replicas", S.integer("Pods of the Deployment.", minimum: 0)),
            ("updatedReplicas", S.integer("Pods at the current template.", minimum: 0)),
            ("readyReplicas", S.integer("Ready pods.", minimum: 0)),
            ("availableReplicas", S.integer("Available pods.", minimum: 0)),
        ], required: ["name", "phase"])
    }
}
