/// The CEL rules of the CRD: what the structural schema cannot say about one field alone.
/// Every list and map they iterate is bounded by `maxItems`/`maxProperties`/`maxLength` in
/// the schema, which keeps their estimated cost within the API server's per-rule budget
/// (10M; the heaviest, `secretsNeedSecretName`, is about 64 × 128 × 4096/10 ≈ 3.4M). Map keys
/// have no length bound the cost estimator can see, so no rule runs string functions on them
/// (env names and resource names are checked by the Swift validator and by the API server when
/// the children are written).
enum CELRules {
    /// At the root: child names `<metadata.name>-<component>` must fit a DNS-1035 label.
    static let childNameLength = S.Rule(
        rule: "self.spec.components.all(c, size(self.metadata.name) + 1 + size(c.name) <= \(APILimits.maxChildNameLength))",
        message: "metadata.name + 1 + component name must be at most \(APILimits.maxChildNameLength) characters (children are named <metadata.name>-<component>)")

    static let metadataNameLabel = S.Rule(
        rule: "self.metadata.name.matches(r'\(APILimits.dns1035Label)')",
        message: "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter) because it prefixes Service names")

    static let dependsOnExist = S.Rule(
        rule: "self.components.all(c, !has(c.dependsOn) || c.dependsOn.all(d, self.components.exists(o, o.name == d)))",
        message: "every dependsOn entry must name a component in spec.components",
        fieldPath: ".components")

    static let entrypointsExist = S.Rule(
        rule: "!has(self.entrypoints) || self.entrypoints.all(e, self.components.exists(c, c.name == e))",
        message: "every entrypoint must name a component in spec.components",
        fieldPath: ".entrypoints")

    static let secretsNeedSecretName = S.Rule(
        rule: "has(self.secretName) || (self.components.all(c, (!has(c.secrets) || size(c.secrets) == 0) && (!has(c.env) || c.env.all(k, !c.env[k].contains('${{')))) && (!has(self.env) || self.env.all(k, !self.env[k].contains('${{'))))",
        message: "spec.secretName must be set when a component lists secrets or an env value uses ${{ secrets.KEY }}",
        fieldPath: ".secretName")

    static let noSelfDependency = S.Rule(
        rule: "!has(self.dependsOn) || !(self.name in self.dependsOn)",
        message: "a component cannot depend on itself",
        fieldPath: ".dependsOn")

    static let minNotAboveMax = S.Rule(
        rule: "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
        message: "minReplicas must be less than or equal to maxReplicas")

    static let secretExpressions = S.Rule(
        rule: "self.all(k, !self[k].contains('${{') || self[k].matches(r'\(APILimits.secretReference)'))",
        message: "the only supported expression is ${{ secrets.KEY }} as the whole value")
}
