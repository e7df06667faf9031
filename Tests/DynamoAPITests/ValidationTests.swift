import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct ValidationTests {
    func spec(_ comps: [Component], entrypoints: [String]? = nil, secretName: String? = nil) -> DynamoDeployment {
        DynamoDeployment(metadata: ObjectMeta(name: "dd", namespace: "ns"),
                         spec: DynamoDeploymentSpec(components: comps, entrypoints: entrypoints, secretName: secretName))
    }

    @Test func cycleMessageNamesThePath() {
        let dd = spec([Component(name: "a", image: "i", dependsOn: ["b"]), Component(name: "b", image: "i", dependsOn: ["a"])])
        #expect(Validator.validate(dd).map(\.description) == ["spec.components: dependency cycle: a -> b -> a"])
    }

    @Test func longerCycleStartsAtItsFirstDeclaredMember() {
        let dd = spec([
            Component(name: "x", image: "i", dependsOn: ["c"]),
            Component(name: "c", image: "i", dependsOn: ["d"]),
            Component(name: "d", image: "i", dependsOn: ["e"]),
            Component(name: "e", image: "i", dependsOn: ["c"]),
        ])
        #expect(Validator.validate(dd).map(\.reason) == ["dependency cycle: c -> d -> e -> c"])
        #expect(ComponentGraph(spec: dd.spec).topologicalOrder == nil)
    }

    @Test func reportsAllErrorsAtOnceWithFieldPaths() {
        let dd = DynamoDeployment(metadata: ObjectMeta(name: "9bad", namespace: "ns"), spec: DynamoDeploymentSpec(components: [
            Component(name: "a", image: "", replicas: -2, dependsOn: ["a", "zz"]),
            Component(name: "a", image: "i", sharedMemory: "huge"),
            Component(name: "c", image: "i", ports: [ComponentPort(name: "http", port: 0), ComponentPort(name: "http", port: 80, protocol: "ICMP")],
                      autoscaling: Autoscaling(minReplicas: 0, maxReplicas: 3, targetCPUUtilizationPercentage: 150)),
        ]))
        let got = Validator.validate(dd).map(\.description)
        let expected = [
            "metadata.name: must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter), because it prefixes Service names",
            "spec.components[0].image: Required value",
            "spec.components[0].replicas: Invalid value: -2: must be greater than or equal to 0",
            "spec.components[0].dependsOn[0]: a component cannot depend on itself",
            "spec.components[0].dependsOn[1]: component \"zz\" does not exist",
            "spec.components[1].name: Duplicate value: \"a\" (also spec.components[0])",
            "spec.components[1].sharedMemory: Invalid value: \"huge\": must be a Kubernetes quantity such as 500m, 2, 16Gi",
            "spec.components[2].ports[0].port: Invalid value: 0: must be between 1 and 65535",
            "spec.components[2].ports[1].name: Duplicate value: \"http\"",
            "spec.components[2].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
            "spec.components[2].autoscaling.minReplicas: Invalid value: 0: must be greater than or equal to 1",
            "spec.components[2].autoscaling.targetCPUUtilizationPercentage: Invalid value: 150: must be between 1 and 100",
        ]
        #expect(got == expected)
    }

    @Test func emptySpecAndMissingNameAreRequired() throws {
        let got = try Fixtures.errors("apiVersion: nvidia.com/v1alpha1\nkind: DynamoDeployment\nmetadata: {}\nspec: {components: []}\n")
        #expect(got == ["metadata.name: Required value", "spec.components: Required value: at least one component"])
    }

    @Test func wrongTypesAndUnknownFieldsAreReportedWithPaths() throws {
        let yaml = Fixtures.cr(components: """
            - name: a
              image: i
              replica: 2
              replicas: many
        """)
        let got = try Fixtures.errors(yaml)
        #expect(got.contains("spec.components[0].replica: unknown field"))
        #expect(got.contains("spec.components[0].replicas: Invalid value: must be of type integer"))
    }

    @Test func secretsRequireSecretNameAndExpressionsMustBeWhole() {
        var c = Component(name: "a", image: "i", env: ["K": "prefix-${{ secrets.X }}"], secrets: ["TOKEN"])
        var errors = Validator.validate(spec([c])).map(\.description)
        #expect(errors.contains("spec.components[0].secrets: requires spec.secretName to be set"))
        #expect(errors.contains("spec.components[0].env[K]: \"prefix-${{ secrets.X }}\": the only supported expression is ${{ secrets.KEY }} as the whole value"))
        c.env = ["K": "${{ secrets.X }}"]
        errors = Validator.validate(spec([c], secretName: "s")).map(\.description)
        #expect(errors.isEmpty)
    }

    @Test func requestsAboveLimitsAndBadResourceNames() {
        let c = Component(name: "a", image: "i", resources: ComponentResources(
            requests: ["memory": "2Gi", "gpu": "2", "bad name": "1"], limits: ["memory": "1Gi", "nvidia.com/gpu": "1"]))
        let errors = Validator.validate(spec([c])).map(\.description)
        #expect(errors.contains("spec.components[0].resources.requests[memory]: must be less than or equal to the memory limit"))
        #expect(errors.contains("spec.components[0].resources.requests[gpu]: must be less than or equal to the gpu limit"))
        #expect(errors.contains("spec.components[0].resources.requests[bad name]: \"bad name\" is not a valid resource name"))
    }

    @Test func childNameLengthCountsDeploymentName() {
        let name40 = "c" + String(repeating: "x", count: 39)
        var dd = spec([Component(name: name40, image: "i")])
        dd.metadata.name = String(repeating: "d", count: 22)
        #expect(Validator.validate(dd).isEmpty)
        dd.metadata.name = String(repeating: "d", count: 23)
        #expect(Validator.validate(dd).map(\.path) == ["spec.components[0].name"])
    }

    @Test func validObjectPassesAndCheckThrows() throws {
        #expect(throws: Never.self) { try Validator.check(spec([Component(name: "a", image: "i")])) }
        #expect(throws: ValidationFailure.self) { try Validator.check(spec([])) }
    }
}
