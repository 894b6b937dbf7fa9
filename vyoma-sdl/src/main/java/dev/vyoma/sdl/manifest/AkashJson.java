package dev.vyoma.sdl.manifest;

import dev.vyoma.sdl.json.JsonSink;
import dev.vyoma.sdl.json.JsonText;
import dev.vyoma.sdl.json.JsonTree;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.GoStrings;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Group specs and manifests as Akash's Go structs marshal them to JSON: the same field names and order,
 * the same {@code null}s, and the same {@code omitempty} omissions. These rules decide the manifest
 * version hash, so they live in this one place; they are written once, as a stream of events that either
 * becomes text directly ({@link #manifestJson}, {@link #groupSpecsJson}, {@link #manifestCanonicalJson})
 * or a map tree ({@link #manifest}, {@link #groupSpecs}) for callers that print it in other forms.
 */
public final class AkashJson {
    // Each object's fields in Go's struct order; the canonical form writes them in sorted order instead.
    private static final Fields GROUP = new Fields("name", "services");
    private static final Fields SERVICE = new Fields(
            "name", "image", "command", "args", "env", "resources", "count", "expose", "params", "credentials");
    private static final Fields EXPOSE = new Fields(
            "port",
            "externalPort",
            "proto",
            "service",
            "global",
            "hosts",
            "httpOptions",
            "ip",
            "endpointSequenceNumber");
    private static final Fields HTTP_OPTIONS = new Fields(
            "maxBodySize", "readTimeout", "sendTimeout", "nextTries", "nextTimeout", "nextCases", "proxyBufferSize");
    private static final Fields PARAMS = new Fields("storage", "permissions", "tee");
    private static final Fields STORAGE = new Fields("name", "mount", "readOnly");
    private static final Fields TEE = new Fields("type", "attestation");
    private static final Fields CREDENTIALS = new Fields("host", "email", "username", "password");
    private static final Fields RESOURCES = new Fields("id", "cpu", "memory", "storage", "gpu", "endpoints");
    private static final Fields VOLUME = new Fields("name", "size", "attributes");
    private static final Fields UNITS = new Fields("units", "attributes");
    private static final Fields SIZE = new Fields("size", "attributes");

    private AkashJson() {}

    /** The group specs as {@code MsgCreateDeployment.groups} reads in JSON, as a tree. */
    @SuppressWarnings("unchecked")
    public static List<Object> groupSpecs(List<GroupSpec> groups) {
        JsonTree tree = new JsonTree();
        groupSpecs(tree, groups);
        return (List<Object>) tree.root();
    }

    /** The group specs as compact JSON text: {@code JsonWriter.compact(groupSpecs(groups))}, without the tree. */
    public static String groupSpecsJson(List<GroupSpec> groups) {
        JsonText text = new JsonText(1024, false);
        groupSpecs(text, groups);
        return text.toString();
    }

    /** The manifest as providers receive it and as its version hash reads it, as a tree. */
    @SuppressWarnings("unchecked")
    public static List<Object> manifest(Manifest manifest) {
        JsonTree tree = new JsonTree();
        manifest(tree, manifest);
        return (List<Object>) tree.root();
    }

    /** The manifest as compact JSON text: {@code JsonWriter.compact(manifest(m))}, without the tree. */
    public static String manifestJson(Manifest manifest) {
        JsonText text = new JsonText(2048, false);
        manifest(text, manifest);
        return text.toString();
    }

    /**
     * The manifest's canonical JSON, the text its version hash reads: {@code JsonWriter.canonical(manifest(m))},
     * keys sorted byte-wise at every level, without the tree.
     */
    public static String manifestCanonicalJson(Manifest manifest) {
        JsonText text = new JsonText(2048, true);
        manifest(text, manifest);
        return text.toString();
    }

    /** The {@code resources} object shared by group specs and manifest services, as a tree. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> resources(Resources r) {
        JsonTree tree = new JsonTree();
        resources(tree, r);
        return (Map<String, Object>) tree.root();
    }

    private static void groupSpecs(JsonSink out, List<GroupSpec> groups) {
        out.beginArray();
        for (GroupSpec g : groups) {
            out.beginObject();
            out.key("name");
            out.string(g.name());
            out.key("requirements");
            out.beginObject();
            out.key("signed_by");
            out.beginObject();
            out.key("all_of");
            strings(out, g.requirements().signedBy().allOf());
            out.key("any_of");
            strings(out, g.requirements().signedBy().anyOf());
            out.endObject();
            out.key("attributes");
            if (g.requirements().attributes().isEmpty()) {
                out.nullValue();
            } else {
                attributes(out, g.requirements().attributes());
            }
            out.endObject();
            out.key("resources");
            out.beginArray();
            for (ResourceUnit unit : g.resources()) {
                out.beginObject();
                out.key("resource");
                resources(out, unit.resources());
                out.key("count");
                out.number(unit.count());
                out.key("price");
                out.beginObject();
                out.key("denom");
                out.string(unit.price().denom());
                out.key("amount");
                out.string(unit.price().amountString());
                out.endObject();
                out.endObject();
            }
            out.endArray();
            out.endObject();
        }
        out.endArray();
    }

    private static void manifest(JsonSink out, Manifest manifest) {
        out.beginArray();
        for (ManifestGroup g : manifest.groups()) {
            out.beginObject();
            for (String field : GROUP.order(out)) {
                out.key(field);
                if (field.equals("name")) {
                    out.string(g.name());
                } else {
                    out.beginArray();
                    for (ManifestService s : g.services()) {
                        service(out, s);
                    }
                    out.endArray();
                }
            }
            out.endObject();
        }
        out.endArray();
    }

    private static void service(JsonSink out, ManifestService s) {
        out.beginObject();
        for (String field : SERVICE.order(out)) {
            switch (field) {
                case "name" -> stringField(out, field, s.name());
                case "image" -> stringField(out, field, s.image());
                case "command" -> stringsField(out, field, s.command());
                case "args" -> stringsField(out, field, s.args());
                case "env" -> stringsField(out, field, s.env());
                case "resources" -> {
                    out.key(field);
                    resources(out, s.resources());
                }
                case "count" -> {
                    out.key(field);
                    out.number(s.count());
                }
                case "expose" -> {
                    out.key(field);
                    out.beginArray();
                    for (ServiceExpose e : s.expose()) {
                        expose(out, e);
                    }
                    out.endArray();
                }
                case "params" -> {
                    if (s.params() != null) {
                        out.key(field);
                        params(out, s.params());
                    }
                }
                default -> {
                    out.key(field);
                    credentials(out, s.credentials());
                }
            }
        }
        out.endObject();
    }

    private static void expose(JsonSink out, ServiceExpose e) {
        out.beginObject();
        for (String field : EXPOSE.order(out)) {
            out.key(field);
            switch (field) {
                case "port" -> out.number(e.port());
                case "externalPort" -> out.number(e.externalPort());
                case "proto" -> out.string(e.proto().name());
                case "service" -> string(out, e.service());
                case "global" -> out.bool(e.global());
                case "hosts" -> strings(out, e.hosts());
                case "httpOptions" -> httpOptions(out, e.httpOptions());
                case "ip" -> string(out, e.ip());
                default -> out.number(e.endpointSequenceNumber());
            }
        }
        out.endObject();
    }

    private static void httpOptions(JsonSink out, HttpOptions o) {
        out.beginObject();
        for (String field : HTTP_OPTIONS.order(out)) {
            switch (field) {
                case "maxBodySize" -> longField(out, field, o.maxBodySize());
                case "readTimeout" -> longField(out, field, o.readTimeout());
                case "sendTimeout" -> longField(out, field, o.sendTimeout());
                case "nextTries" -> longField(out, field, o.nextTries());
                case "nextTimeout" -> longField(out, field, o.nextTimeout());
                case "nextCases" -> {
                    if (!o.nextCases().isEmpty()) {
                        stringsField(out, field, o.nextCases());
                    }
                }
                default -> {
                    if (o.proxyBufferSize() != 0) {
                        longField(out, field, o.proxyBufferSize());
                    }
                }
            }
        }
        out.endObject();
    }

    private static void params(JsonSink out, ServiceParams p) {
        out.beginObject();
        for (String field : PARAMS.order(out)) {
            switch (field) {
                case "storage" -> {
                    out.key(field);
                    if (p.storage() == null) {
                        out.nullValue();
                    } else {
                        out.beginArray();
                        for (StorageParams sp : p.storage()) {
                            storage(out, sp);
                        }
                        out.endArray();
                    }
                }
                case "permissions" -> {
                    if (p.permissions() != null) {
                        out.key(field);
                        out.beginObject();
                        List<String> read = p.permissions().read();
                        if (read != null && !read.isEmpty()) {
                            stringsField(out, "read", read);
                        }
                        out.endObject();
                    }
                }
                default -> {
                    if (p.tee() != null) {
                        out.key(field);
                        out.beginObject();
                        for (String teeField : TEE.order(out)) {
                            out.key(teeField);
                            if (teeField.equals("type")) {
                                string(out, p.tee().type());
                            } else {
                                out.bool(p.tee().attestation());
                            }
                        }
                        out.endObject();
                    }
                }
            }
        }
        out.endObject();
    }

    private static void storage(JsonSink out, StorageParams sp) {
        out.beginObject();
        for (String field : STORAGE.order(out)) {
            out.key(field);
            switch (field) {
                case "name" -> string(out, sp.name());
                case "mount" -> string(out, sp.mount());
                default -> out.bool(sp.readOnly());
            }
        }
        out.endObject();
    }

    private static void credentials(JsonSink out, ImageCredentials c) {
        if (c == null) {
            out.nullValue();
            return;
        }
        out.beginObject();
        for (String field : CREDENTIALS.order(out)) {
            out.key(field);
            switch (field) {
                case "host" -> string(out, c.host());
                case "email" -> string(out, c.email());
                case "username" -> string(out, c.username());
                default -> string(out, c.password());
            }
        }
        out.endObject();
    }

    private static void resources(JsonSink out, Resources r) {
        out.beginObject();
        for (String field : RESOURCES.order(out)) {
            switch (field) {
                case "id" -> {
                    out.key(field);
                    out.number(r.id());
                }
                case "cpu" -> {
                    out.key(field);
                    measured(out, UNITS, r.cpu().millicores(), r.cpu().attributes());
                }
                case "memory" -> {
                    out.key(field);
                    measured(out, SIZE, r.memory().bytes(), r.memory().attributes());
                }
                case "storage" -> {
                    if (!r.storage().isEmpty()) {
                        out.key(field);
                        out.beginArray();
                        for (Volume v : r.storage()) {
                            volume(out, v);
                        }
                        out.endArray();
                    }
                }
                case "gpu" -> {
                    out.key(field);
                    measured(out, UNITS, r.gpu().units(), r.gpu().attributes());
                }
                default -> {
                    out.key(field);
                    endpoints(out, r.endpoints());
                }
            }
        }
        out.endObject();
    }

    private static void volume(JsonSink out, Volume v) {
        out.beginObject();
        for (String field : VOLUME.order(out)) {
            switch (field) {
                case "name" -> stringField(out, field, v.name());
                case "size" -> {
                    out.key(field);
                    resourceValue(out, v.bytes());
                }
                default -> {
                    if (!v.attributes().isEmpty()) {
                        out.key(field);
                        attributes(out, v.attributes());
                    }
                }
            }
        }
        out.endObject();
    }

    /** {@code {"units"|"size": {"val": "N"}, "attributes": [...]}}, attributes left out when empty. */
    private static void measured(JsonSink out, Fields fields, long value, List<Attribute> attributes) {
        out.beginObject();
        for (String field : fields.order(out)) {
            if (field.equals("attributes")) {
                if (!attributes.isEmpty()) {
                    out.key(field);
                    attributes(out, attributes);
                }
            } else {
                out.key(field);
                resourceValue(out, value);
            }
        }
        out.endObject();
    }

    private static void endpoints(JsonSink out, List<Endpoint> endpoints) {
        out.beginArray();
        for (Endpoint e : endpoints) {
            out.beginObject(); // "kind" < "sequence_number" in both orders
            if (e.kind().code() != 0) {
                out.key("kind");
                out.number(e.kind().code());
            }
            out.key("sequence_number");
            out.number(e.sequenceNumber());
            out.endObject();
        }
        out.endArray();
    }

    private static void resourceValue(JsonSink out, long value) {
        out.beginObject();
        out.key("val");
        out.string(Long.toString(value));
        out.endObject();
    }

    private static void attributes(JsonSink out, List<Attribute> attributes) {
        out.beginArray();
        for (Attribute a : attributes) {
            out.beginObject(); // "key" < "value" in both orders
            if (!a.key().isEmpty()) {
                stringField(out, "key", a.key());
            }
            if (!a.value().isEmpty()) {
                stringField(out, "value", a.value());
            }
            out.endObject();
        }
        out.endArray();
    }

    private static void stringField(JsonSink out, String key, String value) {
        out.key(key);
        string(out, value);
    }

    private static void stringsField(JsonSink out, String key, List<String> values) {
        out.key(key);
        strings(out, values);
    }

    private static void longField(JsonSink out, String key, long value) {
        out.key(key);
        out.number(value);
    }

    private static void string(JsonSink out, String value) {
        if (value == null) {
            out.nullValue();
        } else {
            out.string(value);
        }
    }

    private static void strings(JsonSink out, List<String> values) {
        if (values == null) {
            out.nullValue();
            return;
        }
        out.beginArray();
        for (String v : values) {
            string(out, v);
        }
        out.endArray();
    }

    /** An object's field names in Go's struct order and in byte-wise order. */
    private record Fields(List<String> declared, List<String> sorted) {
        Fields(String... declared) {
            this(List.of(declared), sortedCopy(declared));
        }

        List<String> order(JsonSink out) {
            return out.sortedKeys() ? sorted : declared;
        }

        private static List<String> sortedCopy(String[] names) {
            String[] copy = names.clone();
            Arrays.sort(copy, GoStrings.ORDER);
            return List.of(copy);
        }
    }
}
