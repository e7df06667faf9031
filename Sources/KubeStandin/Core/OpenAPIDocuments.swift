import Foundation
import KubeModel

/// The OpenAPI v3 documents kube-apiserver serves (`/openapi/v3` and `/openapi/v3/<gv path>`),
/// shaped as the real ones, with what kubectl reads from them:
/// - the discovery document: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=H"}, ...}}`,
///   one entry per served group-version (CRD ones included);
/// - per group-version: `openapi: 3.0.0`, `info`, `paths` (collection, item, all-namespaces
///   and `/status` / `/scale` paths, each operation with `x-kubernetes-action` and
///   `x-kubernetes-group-version-kind`; PATCH/POST/PUT list the `dryRun`, `fieldManager`,
///   `fieldValidation` (and PATCH `force`) query parameters — kubectl looks for
///   `fieldValidation` there to decide that the server validates fields), and
///   `components.schemas`.
///
/// Schemas: a custom resource's is its CRD's `openAPIV3Schema` (metadata referencing
/// ObjectMeta) plus `x-kubernetes-group-version-kind`, and a `<Kind>List`. Built-in kinds get a
/// PERMISSIVE schema (`apiVersion`, `kind`, `metadata` typed; everything else
/// `x-kubernetes-preserve-unknown-fields`) — enough for kubectl, which validates on the server
/// (the stand-in's own rules apply there). Built-in PATCH operations do not advertise
/// `application/strategic-merge-patch+json` in their request body, so kubectl computes
/// strategic merge patches from its compiled-in types (the same patches as the real server's
/// full schema yields) rather than from the permissive schema.
///
/// Guarantees: deterministic (keys sorted on the wire); `hash` changes whenever the document does
/// (FNV-1a 64-bit, 16 uppercase hex digits — the real server uses SHA-512, 128 digits).
enum OpenAPIDocuments {
    /// `api/v1`, `apis/apps/v1`, ... for every served group-version.
    static func groupVersionPaths(_ registry: ResourceRegistry) -> [String] {
        ["api/v1"] + registry.groups.flatMap { g in registry.versions(of: g).map { "apis/\(g)/\($0)" } }
    }

    /// `/openapi/v3`.
    static func discovery(_ registry: ResourceRegistry) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for p in groupVersionPaths(registry) {
            guard let doc = document(p, registry) else { continue }
            paths[p] = ["serverRelativeURL": .string("/openapi/v3/\(p)?hash=\(hash(doc))")]
        }
        return ["paths": .object(paths)]
    }

    static func hash(_ doc: JSONValue) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in JSONWire.encode(doc) {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(format: "%016llX", h)
    }

    /// The document of `gvPath` (`api/v1`, `apis/<group>/<version>`); nil when not served.
    static func document(_ gvPath: String, _ registry: ResourceRegistry) -> JSONValue? {
        let parts = gvPath.split(separator: "/").map(String.init)
        let group: String, version: String
        if parts.count == 2, parts[0] == "api", parts[1] == "v1" {
            (group, version) = ("", "v1")
        } else if parts.count == 3, parts[0] == "apis" {
            (group, version) = (parts[1], parts[2])
        } else {
            return nil
        }
        let resources = registry.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var paths: [String: JSONValue] = [:]
        var schemas = metaSchemas
        for info in resources {
            addPaths(info, version: version, into: &paths)
            let def = definitionName(info, version: version)
            if info.isCustom {
                schemas[def] = customSchema(info, version: version)
                schemas[def + "List"] = listSchema(info, version: version, itemRef: def)
            } else if !info.isCreateOnly {
                schemas[def] = permissiveSchema(info.kind, group: info.group, version: version)
                schemas[def + "List"] = listSchema(info, version: version, itemRef: def)
            } else {
                schemas[def] = permissiveSchema(info.kind, group: info.group, version: version)
            }
            if info.hasScale { schemas["io.k8s.api.autoscaling.v1.Scale"] = permissiveSchema("Scale", group: "autoscaling", version: "v1") }
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(Discovery.version()["gitVersion"]?.stringValue ?? "")],
                "paths": .object(paths), "components": ["schemas": .object(schemas)]]
    }

    // MARK: - Names

    /// `com.nvidia.v1alpha1.DynamoDeployment`, `io.k8s.api.apps.v1.Deployment`, ...
    static func definitionName(_ info: ResourceInfo, version: String) -> String {
        definitionName(group: info.group, version: version, kind: info.kind, custom: info.isCustom)
    }

    static func definitionName(group: String, version: String, kind: String, custom: Bool) -> String {
        if custom { return group.split(separator: ".").reversed().joined(separator: ".") + ".\(version).\(kind)" }
        switch group {
        case "": return "io.k8s.api.core.\(version).\(kind)"
        case "apiextensions.k8s.io": return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.\(version).\(kind)"
        default: return "io.k8s.api.\(group.split(separator: ".").first ?? "").\(version).\(kind)"
        }
    }

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func gvk(_ group: String, _ version: String, _ kind: String) -> JSONValue {
        ["group": .string(group), "version": .string(version), "kind": .string(kind)]
    }

    /// `nvidiaComV1alpha1`, `coreV1`, `appsV1`: the operation tag and operationId stem.
    static func tag(_ group: String, _ version: String) -> String {
        let g = group.isEmpty ? "core" : group.split(whereSeparator: { $0 == "." || $0 == "-" }).enumerated()
            .map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
        return g + version.prefix(1).uppercased() + version.dropFirst()
    }

    // MARK: - Paths

    static func queryParameter(_ name: String, _ description: String, type: String = "string") -> JSONValue {
        ["name": .string(name), "in": "query", "description": .string(description), "schema": ["type": .string(type), "uniqueItems": true]]
    }

    static let dryRun = queryParameter("dryRun", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed")
    static let fieldManager = queryParameter("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.")
    static let fieldValidation = queryParameter("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.")
    static let force = queryParameter("force", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.", type: "boolean")
    static let pretty = queryParameter("pretty", "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).")
    static let listParameters: [JSONValue] = [
        queryParameter("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\".", type: "boolean"),
        queryParameter("continue", "The continue option should be set when retrieving more results from the server."),
        queryParameter("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        queryParameter("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        queryParameter("limit", "limit is a maximum number of responses to return for a list call.", type: "integer"),
        queryParameter("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        queryParameter("resourceVersionMatch", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
        queryParameter("sendInitialEvents", "`sendInitialEvents=true` may be set together with `watch=true`.", type: "boolean"),
        queryParameter("timeoutSeconds", "Timeout for the list/watch call.", type: "integer"),
        queryParameter("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", type: "boolean"),
    ]

    static func pathParameter(_ name: String, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "path", "description": .string(description), "required": true, "schema": ["type": "string", "uniqueItems": true]]
    }

    static func content(_ schema: JSONValue, _ types: [String]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": schema] as JSONValue) }))
    }

    static func responses(_ schema: JSONValue, codes: [String]) -> JSONValue {
        var r: [String: JSONValue] = ["401": ["description": "Unauthorized"]]
        let names = ["200": "OK", "201": "Created", "202": "Accepted"]
        for c in codes {
            r[c] = ["description": .string(names[c] ?? "OK"),
                    "content": content(schema, ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"])]
        }
        return .object(r)
    }

    /// Adds the paths that serve `info` at `version`.
    static func addPaths(_ info: ResourceInfo, version: String, into paths: inout [String: JSONValue]) {
        let prefix = info.group.isEmpty ? "/api/\(version)" : "/apis/\(info.group)/\(version)"
        let stem = tag(info.group, version)
        let kindGVK = gvk(info.group, version, info.kind)
        let objectRef = ref(definitionName(info, version: version))
        let listRef = ref(definitionName(info, version: version) + "List")
        let scope = info.namespaced ? "Namespaced" : ""
        let collection = info.namespaced ? "\(prefix)/namespaces/{namespace}/\(info.plural)" : "\(prefix)/\(info.plural)"
        let nsParam = pathParameter("namespace", "object name and auth scope, such as for teams and projects")
        let nameParam = pathParameter("name", "name of the \(info.kind)")

        func op(_ action: String, _ verb: String, _ description: String, gvk: JSONValue = kindGVK, params: [JSONValue] = [],
                body: JSONValue? = nil, response: JSONValue, codes: [String] = ["200"]) -> JSONValue {
            var o: [String: JSONValue] = [
                "tags": [.string(stem)], "description": .string(description),
                "operationId": .string(verb + stem.prefix(1).uppercased() + stem.dropFirst() + scope + info.kind),
                "responses": responses(response, codes: codes),
                "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
            ]
            if !params.isEmpty { o["parameters"] = .array(params) }
            if let body { o["requestBody"] = body }
            return .object(o)
        }
        let writeParams = [dryRun, fieldManager, fieldValidation]
        let patchTypes = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]
        let patchBody: JSONValue = ["content": content(ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch"), patchTypes), "required": true]
        func objectBody(_ schema: JSONValue) -> JSONValue { ["content": content(schema, ["*/*"]), "required": true] }

        if info.isCreateOnly {
            paths[collection] = ["post": op("post", "create", "create a \(info.kind)", params: writeParams, body: objectBody(objectRef),
                                            response: objectRef, codes: ["200", "201", "202"]),
                                 "parameters": [pretty]]
            return
        }
        var coll: [String: JSONValue] = [
            "get": op("list", "list", "list or watch objects of kind \(info.kind)", params: listParameters, response: listRef),
            "post": op("post", "create", "create a \(info.kind)", params: writeParams, body: objectBody(objectRef), response: objectRef,
                       codes: ["200", "201", "202"]),
            "parameters": .array((info.namespaced ? [nsParam] : []) + [pretty]),
        ]
        if info.supports("deletecollection") {
            coll["delete"] = op("deletecollection", "deleteCollection", "delete collection of \(info.kind)", params: [dryRun],
                                response: ref("io.k8s.apimachinery.pkg.apis.meta.v1.Status"))
        }
        paths[collection] = .object(coll)
        let itemParams: JSONValue = .array([nameParam] + (info.namespaced ? [nsParam] : []) + [pretty])
        paths["\(collection)/{name}"] = [
            "get": op("get", "read", "read the specified \(info.kind)", response: objectRef),
            "put": op("put", "replace", "replace the specified \(info.kind)", params: writeParams, body: objectBody(objectRef),
                      response: objectRef, codes: ["200", "201"]),
            "patch": op("patch", "patch", "partially update the specified \(info.kind)", params: writeParams + [force], body: patchBody,
                        response: objectRef, codes: ["200", "201"]),
            "delete": op("delete", "delete", "delete a \(info.kind)", params: [dryRun], response: ref("io.k8s.apimachinery.pkg.apis.meta.v1.Status"),
                         codes: ["200", "202"]),
            "parameters": itemParams,
        ]
        if info.namespaced {
            paths["\(prefix)/\(info.plural)"] = [
                "get": op("list", "list", "list or watch objects of kind \(info.kind)", params: listParameters, response: listRef),
                "parameters": [pretty],
            ]
        }
        if info.hasStatus {
            paths["\(collection)/{name}/status"] = [
                "get": op("get", "read", "read status of the specified \(info.kind)", response: objectRef),
                "put": op("put", "replace", "replace status of the specified \(info.kind)", params: writeParams, body: objectBody(objectRef),
                          response: objectRef, codes: ["200", "201"]),
                "patch": op("patch", "patch", "partially update status of the specified \(info.kind)", params: writeParams + [force],
                            body: patchBody, response: objectRef, codes: ["200", "201"]),
                "parameters": itemParams,
            ]
        }
        if info.hasScale {
            let scaleRef = ref("io.k8s.api.autoscaling.v1.Scale")
            let scaleGVK = gvk("autoscaling", "v1", "Scale")
            paths["\(collection)/{name}/scale"] = [
                "get": op("get", "read", "read scale of the specified \(info.kind)", gvk: scaleGVK, response: scaleRef),
                "put": op("put", "replace", "replace scale of the specified \(info.kind)", gvk: scaleGVK, params: writeParams,
                          body: objectBody(scaleRef), response: scaleRef, codes: ["200", "201"]),
                "patch": op("patch", "patch", "partially update scale of the specified \(info.kind)", gvk: scaleGVK, params: writeParams + [force],
                            body: patchBody, response: scaleRef, codes: ["200", "201"]),
                "parameters": itemParams,
            ]
        }
    }

    // MARK: - Schemas

    static let apiVersionSchema: JSONValue = ["type": "string", "description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"]
    static let kindSchema: JSONValue = ["type": "string", "description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"]
    static let objectMetaRef: JSONValue = ["allOf": [ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")], "default": [:],
                                           "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"]

    static func customSchema(_ info: ResourceInfo, version: String) -> JSONValue {
        var s = info.schemas[version]?.root ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        var props = s["properties"]?.objectValue ?? [:]
        props["apiVersion"] = apiVersionSchema
        props["kind"] = kindSchema
        props["metadata"] = objectMetaRef
        s["properties"] = .object(props)
        s["x-kubernetes-group-version-kind"] = [gvk(info.group, version, info.kind)]
        return s
    }

    static func permissiveSchema(_ kind: String, group: String, version: String) -> JSONValue {
        ["description": .string("\(kind) (the stand-in serves a permissive schema for built-in kinds)"), "type": "object",
         "properties": ["apiVersion": apiVersionSchema, "kind": kindSchema, "metadata": objectMetaRef],
         "x-kubernetes-preserve-unknown-fields": true,
         "x-kubernetes-group-version-kind": [gvk(group, version, kind)]]
    }

    static func listSchema(_ info: ResourceInfo, version: String, itemRef: String) -> JSONValue {
        ["description": .string("\(info.kind)List is a list of \(info.kind)"), "type": "object", "required": ["items"],
         "properties": ["apiVersion": apiVersionSchema, "kind": kindSchema,
                        "items": ["type": "array", "description": .string("List of \(info.plural)."), "items": ref(itemRef)],
                        "metadata": ["allOf": [ref("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")], "default": [:]]],
         "x-kubernetes-group-version-kind": [gvk(info.group, version, info.listKind)]]
    }

    static let metaSchemas: [String: JSONValue] = {
        let str: JSONValue = ["type": "string"]
        let strMap: JSONValue = ["type": "object", "additionalProperties": ["type": "string", "default": ""]]
        let strList: JSONValue = ["type": "array", "items": ["type": "string", "default": ""]]
        let time: JSONValue = ["type": "string", "format": "date-time"]
        let int64: JSONValue = ["type": "integer", "format": "int64"]
        let open: JSONValue = ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        let m = "io.k8s.apimachinery.pkg.apis.meta.v1."
        return [
            m + "ObjectMeta": [
                "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
                "type": "object",
                "properties": ["annotations": strMap, "creationTimestamp": time, "deletionGracePeriodSeconds": int64, "deletionTimestamp": time,
                               "finalizers": strList, "generateName": str, "generation": int64, "labels": strMap,
                               "managedFields": ["type": "array", "items": open], "name": str, "namespace": str,
                               "ownerReferences": ["type": "array", "items": open], "resourceVersion": str, "selfLink": str, "uid": str],
            ],
            m + "ListMeta": ["description": "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
                             "type": "object",
                             "properties": ["continue": str, "remainingItemCount": int64, "resourceVersion": str, "selfLink": str]],
            m + "Patch": ["description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", "type": "object"],
            m + "Status": ["description": "Status is a return value for calls that don't return other objects.", "type": "object",
                           "properties": ["apiVersion": str, "code": ["type": "integer", "format": "int32"], "details": open, "kind": str,
                                          "message": str, "metadata": ["allOf": [ref(m + "ListMeta")], "default": [:]], "reason": str, "status": str],
                           "x-kubernetes-group-version-kind": [gvk("", "v1", "Status")]],
        ]
    }()
}

/// The OpenAPI v2 document at `/openapi/v2`: an EMPTY Swagger 2.0 document (no paths, no
/// definitions), JSON or — when `Accept` asks for it, as client-go does — the gnostic
/// `openapi_v2.Document` protobuf. kubectl only falls back to v2 when v3 lacks what it needs; an
/// empty v2 makes its client-side validation skip kinds it has no schema for (the server
/// validates, see `FieldValidation.swift`) and its patch computation use compiled-in types.
enum OpenAPIV2 {
    static let protobufMediaType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

    static func json(version: String) -> JSONValue {
        ["swagger": "2.0", "info": ["title": "Kubernetes", "version": .string(version)], "paths": [:], "definitions": [:]]
    }

    /// `Document{swagger: "2.0", info: {title, version}, paths: {}, definitions: {}}` in protobuf wire format.
    static func protobuf(version: String) -> Data {
        func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] { [number << 3 | 2] + varint(payload.count) + payload }
        let info = field(1, Array("Kubernetes".utf8)) + field(2, Array(version.utf8))
        return Data(field(1, Array("2.0".utf8)) + field(2, info) + field(8, []) + field(9, []))
    }

    static func varint(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        var v = UInt64(n)
        repeat {
            var b = UInt8(v & 0x7f)
            v >>= 7
            if v != 0 { b |= 0x80 }
            out.append(b)
        } while v != 0
        return out
    }
}

extension APIServer {
    /// `/openapi/v3/<gv path>`: 404 when not served; a stale `hash` → 301 to the current URL;
    /// with the current hash → `Cache-Control: public, immutable` (the URL names the content).
    func openAPIDocument(_ request: StandinRequest, _ gvPath: String) -> StandinResponse {
        guard let doc = state.withLock({ OpenAPIDocuments.document(gvPath, $0.registry) }) else {
            return StatusResponses.response(StatusResponses.pathNotFound())
        }
        let hash = OpenAPIDocuments.hash(doc)
        var headers: [(String, String)] = [("Etag", "\"\(hash)\"")]
        if let asked = request.query["hash"], !asked.isEmpty {
            guard asked == hash else {
                return .full(status: 301, headers: [("Location", "/openapi/v3/\(gvPath)?hash=\(hash)"), ("content-type", "text/html; charset=utf-8")],
                             body: Data("<a href=\"/openapi/v3/\(gvPath)?hash=\(hash)\">Moved Permanently</a>.\n\n".utf8))
            }
            headers += [("Cache-Control", "public, immutable"), ("Vary", "Accept")]
        }
        return json(200, doc, headers: headers)
    }

    func openAPIV2(_ request: StandinRequest) -> StandinResponse {
        let version = Discovery.version()["gitVersion"]?.stringValue ?? ""
        if (request.headers["accept"] ?? "").contains(OpenAPIV2.protobufMediaType) {
            return .full(status: 200, headers: [("content-type", OpenAPIV2.protobufMediaType)], body: OpenAPIV2.protobuf(version: version))
        }
        return json(200, OpenAPIV2.json(version: version))
    }
}
