package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ImageCredentials;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.ServiceParams;
import dev.vyoma.sdl.manifest.ServicePermissions;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.manifest.TeeParams;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.EndpointKind;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads manifest JSON (Akash's shape, as {@code AkashJson.manifest} writes it) into the typed manifest records, so
 * that {@link ContainerRuntime} plans from records only. Used while {@code WorkloadRuntime.deploy} still takes
 * JSON; a field of the wrong shape is refused with its path.
 */
final class ManifestJson {
    private ManifestJson() {}

    static List<ManifestGroup> groups(JsonNode manifest) {
        require(manifest.isArray(), "the manifest is a JSON list of groups");
        return list(manifest, g -> new ManifestGroup(text(g, "name"), list(g.path("services"), ManifestJson::service)));
    }

    private static ManifestService service(JsonNode s) {
        String name = text(s, "name");
        String image = text(s, "image");
        JsonNode r = s.path("resources");
        Resources resources = new Resources(
                r.path("id").asInt(),
                new Cpu(value(r.path("cpu"), "units"), attributes(r.path("cpu"))),
                new Memory(value(r.path("memory"), "size"), attributes(r.path("memory"))),
                list(r.path("storage"), v -> new Volume(text(v, "name"), value(v, "size"), attributes(v))),
                r.path("gpu").isObject() ? new Gpu(value(r.path("gpu"), "units"), attributes(r.path("gpu"))) : Gpu.NONE,
                list(
                        r.path("endpoints"),
                        e -> new Endpoint(
                                kind(e.path("kind").asInt()),
                                e.path("sequence_number").asInt())));
        JsonNode c = s.path("credentials");
        return new ManifestService(
                name,
                image,
                strings(s.path("command")),
                strings(s.path("args")),
                strings(s.path("env")),
                resources,
                s.path("count").asInt(1),
                list(s.path("expose"), ManifestJson::expose),
                s.path("params").isObject() ? params(s.path("params")) : null,
                c.isObject()
                        ? new ImageCredentials(
                                text(c, "host"),
                                c.path("email").asString(""),
                                c.path("username").asString(""),
                                c.path("password").asString(""))
                        : null);
    }

    private static ServiceExpose expose(JsonNode e) {
        JsonNode h = e.path("httpOptions");
        HttpOptions http = h.isObject()
                ? new HttpOptions(
                        h.path("maxBodySize").asLong(),
                        h.path("readTimeout").asLong(),
                        h.path("sendTimeout").asLong(),
                        h.path("nextTries").asLong(),
                        h.path("nextTimeout").asLong(),
                        strings(h.path("nextCases")) == null ? List.of() : strings(h.path("nextCases")),
                        h.path("proxyBufferSize").asLong())
                : HttpOptions.DEFAULTS;
        String proto = e.path("proto").asString("TCP");
        return new ServiceExpose(
                e.path("port").asInt(),
                e.path("externalPort").asInt(),
                Protocol.parse(proto).orElseThrow(() -> new IllegalArgumentException("manifest: proto " + proto)),
                e.path("service").asString(""),
                e.path("global").asBoolean(),
                strings(e.path("hosts")),
                http,
                e.path("ip").asString(""),
                e.path("endpointSequenceNumber").asInt());
    }

    private static ServiceParams params(JsonNode p) {
        JsonNode perm = p.path("permissions");
        JsonNode tee = p.path("tee");
        return new ServiceParams(
                p.path("storage").isArray()
                        ? list(
                                p.path("storage"),
                                v -> new StorageParams(
                                        text(v, "name"),
                                        v.path("mount").asString(""),
                                        v.path("readOnly").asBoolean()))
                        : null,
                perm.isObject() ? new ServicePermissions(strings(perm.path("read"))) : null,
                tee.isObject()
                        ? new TeeParams(
                                text(tee, "type"), tee.path("attestation").asBoolean())
                        : null);
    }

    private static long value(JsonNode n, String field) {
        String v = n.path(field).path("val").asString("");
        require(v.matches("[0-9]{1,19}"), "manifest: " + field + ".val must be a whole number, got " + v);
        return Long.parseLong(v);
    }

    private static EndpointKind kind(int code) {
        for (EndpointKind k : EndpointKind.values()) {
            if (k.code() == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("manifest: endpoint kind " + code + " is not 0, 1 or 2");
    }

    private static List<Attribute> attributes(JsonNode n) {
        return list(
                n.path("attributes"),
                a -> new Attribute(a.path("key").asString(""), a.path("value").asString("")));
    }

    private static List<String> strings(JsonNode n) {
        return n.isArray() ? list(n, JsonNode::asString) : null;
    }

    private static String text(JsonNode n, String field) {
        require(n.path(field).isString(), "manifest: " + field + " must be a string");
        return n.path(field).asString();
    }

    private static <T> List<T> list(JsonNode n, Function<JsonNode, T> read) {
        List<T> out = new ArrayList<>();
        n.forEach(e -> out.add(read.apply(e)));
        return out;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
