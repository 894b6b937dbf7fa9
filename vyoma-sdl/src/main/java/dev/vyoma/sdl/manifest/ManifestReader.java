package dev.vyoma.sdl.manifest;

import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_ARGS;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_COUNT;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_ENV_ENTRIES;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_EXPOSES_PER_SERVICE;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_GROUPS;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_HOSTS_PER_EXPOSE;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_LIST_ITEMS;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_SERVICES_PER_GROUP;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_SERVICE_NAME_CHARS;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_STRING_CHARS;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_UINT32;
import static dev.vyoma.sdl.manifest.ManifestLimits.MAX_VALUE_CHARS;

import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.InvalidManifestException.Problem;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.EndpointKind;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a manifest as a provider receives it (Akash's manifest JSON, as {@link AkashJson#manifest} writes it) into
 * the typed {@link Manifest}, once, at the edge; code behind it never looks at the JSON again. Strict: an unknown
 * field, a value of the wrong type, a name the SDL would refuse, a replica count below 1 or above {@link
 * ManifestLimits#MAX_COUNT}, a group or service name given twice, and anything over a bound of {@link
 * ManifestLimits} is refused with a message naming the field. Finally the typed manifest, written back, must be
 * exactly the JSON that was read: so nothing in what the tenant sent (and hashed into the deployment's version) is
 * left unread, and the manifest's {@link Manifest#version()} is the version of what was sent.
 */
public final class ManifestReader {
    private ManifestReader() {}

    /** The manifest in {@code json}, or why it is refused. */
    public static Manifest read(byte[] json) throws InvalidManifestException {
        Object tree = StrictJson.read(json);
        Manifest manifest = manifest(tree);
        String sent = JsonWriter.canonical(tree);
        String read = ManifestVersion.canonicalJson(manifest);
        if (!sent.equals(read)) {
            throw invalid("the manifest has a field or value this provider does not read (at "
                    + firstDifference(sent, read) + "); send the manifest as vyoma sdl manifest writes it");
        }
        return manifest;
    }

    private static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 30);
        return "…" + a.substring(from, Math.min(a.length(), i + 30)) + "…";
    }

    private static Manifest manifest(Object tree) throws InvalidManifestException {
        if (!(tree instanceof List<?> groups)) {
            throw invalid("the manifest is a JSON list of groups, each {\"name\": …, \"services\": […]}");
        }
        if (groups.isEmpty() || groups.size() > MAX_GROUPS) {
            throw invalid("the manifest has " + groups.size() + " groups; it has 1 to " + MAX_GROUPS);
        }
        List<ManifestGroup> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            Obj g = Obj.of(groups.get(i), "group " + i);
            String name = g.string("name", MAX_STRING_CHARS);
            if (name.isEmpty()) {
                throw invalid("group " + i + ": name is empty; name the group as its placement in the SDL");
            }
            if (!names.add(name)) {
                throw invalid("group " + name + " appears twice; each group of a manifest has its own name");
            }
            String where = "group " + name;
            List<Object> services = g.list("services", MAX_SERVICES_PER_GROUP);
            if (services.isEmpty()) {
                throw invalid(where + ": services is empty; a group runs 1 to " + MAX_SERVICES_PER_GROUP + " services");
            }
            List<ManifestService> typed = new ArrayList<>();
            Set<String> serviceNames = new HashSet<>();
            for (int j = 0; j < services.size(); j++) {
                ManifestService s = service(Obj.of(services.get(j), where + ", service " + j));
                if (!serviceNames.add(s.name())) {
                    throw invalid(where + ": service " + s.name()
                            + " appears twice; each service of a group has its own name");
                }
                typed.add(s);
            }
            g.done();
            out.add(new ManifestGroup(name, typed));
        }
        return new Manifest(out);
    }

    private static ManifestService service(Obj s) throws InvalidManifestException {
        String name = s.string("name", MAX_STRING_CHARS);
        if (!ManifestNames.validServiceName(name)) {
            throw invalid(s.where + ": name \"" + abbreviate(name)
                    + "\" is not a service name; use lowercase letters, digits and -, starting with a letter");
        }
        if (name.length() > MAX_SERVICE_NAME_CHARS) {
            throw invalid(s.where + ": name is " + name.length() + " characters; a service name has at most "
                    + MAX_SERVICE_NAME_CHARS);
        }
        Obj here = s.renamed(s.where.replaceFirst("service \\d+$", "service " + name));
        String image = here.string("image", MAX_STRING_CHARS);
        if (!ManifestNames.validImage(image)) {
            throw invalid(here.where + ": image \"" + image
                    + "\" is not an image name; give one such as nginx:1.27 (printable ASCII, no spaces)");
        }
        List<String> command = here.stringsOrNull("command", MAX_ARGS, MAX_VALUE_CHARS);
        List<String> args = here.stringsOrNull("args", MAX_ARGS, MAX_VALUE_CHARS);
        List<String> env = here.stringsOrNull("env", MAX_ENV_ENTRIES, MAX_VALUE_CHARS);
        if (env != null) {
            for (String e : env) {
                String key = e.split("=", 2)[0];
                if (!ManifestNames.validEnvName(key)) {
                    throw invalid(here.where + ": env \"" + abbreviate(key)
                            + "\" is not NAME=value with a name of letters, digits, _, - or .");
                }
            }
        }
        Resources resources = resources(here.object("resources"));
        int count = (int) here.number("count", 1, MAX_COUNT);
        List<ServiceExpose> expose = new ArrayList<>();
        for (Object e : here.list("expose", MAX_EXPOSES_PER_SERVICE)) {
            expose.add(expose(Obj.of(e, here.where + ", expose")));
        }
        ServiceParams params = here.has("params") ? params(here.object("params")) : null;
        ImageCredentials credentials = null;
        Obj c = here.objectOrNull("credentials");
        if (c != null) {
            credentials = new ImageCredentials(
                    c.string("host", MAX_STRING_CHARS),
                    c.string("email", MAX_STRING_CHARS),
                    c.string("username", MAX_VALUE_CHARS),
                    c.string("password", MAX_VALUE_CHARS));
            c.done();
        }
        here.done();
        return new ManifestService(name, image, command, args, env, resources, count, expose, params, credentials);
    }

    private static ServiceExpose expose(Obj e) throws InvalidManifestException {
        int port = (int) e.number("port", 1, 65535);
        Obj here = e.renamed(e.where + " of port " + port);
        int externalPort = (int) here.number("externalPort", 0, 65535);
        String proto = here.string("proto", MAX_STRING_CHARS);
        Protocol protocol = switch (proto) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            default -> throw invalid(here.where + ": proto is TCP or UDP, got \"" + abbreviate(proto) + "\"");
        };
        String service = here.string("service", MAX_SERVICE_NAME_CHARS);
        if (!service.isEmpty() && !ManifestNames.validServiceName(service)) {
            throw invalid(here.where + ": service \"" + service + "\" is not a service name");
        }
        boolean global = here.bool("global");
        List<String> hosts = here.stringsOrNull("hosts", MAX_HOSTS_PER_EXPOSE, 253);
        HttpOptions http = httpOptions(here.object("httpOptions"));
        String ip = here.string("ip", MAX_STRING_CHARS);
        int sequence = (int) here.number("endpointSequenceNumber", 0, Integer.MAX_VALUE);
        here.done();
        return new ServiceExpose(port, externalPort, protocol, service, global, hosts, http, ip, sequence);
    }

    private static HttpOptions httpOptions(Obj h) throws InvalidManifestException {
        long maxBody = h.number("maxBodySize", 0, HttpOptions.MAX_BODY_SIZE);
        long read = h.number("readTimeout", 0, HttpOptions.MAX_READ_TIMEOUT_MS);
        long send = h.number("sendTimeout", 0, HttpOptions.MAX_SEND_TIMEOUT_MS);
        long tries = h.number("nextTries", 0, MAX_UINT32);
        long nextTimeout = h.number("nextTimeout", 0, MAX_UINT32);
        List<String> cases = List.of();
        if (h.has("nextCases")) {
            cases = h.strings("nextCases", HttpOptions.NEXT_CASES.size(), MAX_STRING_CHARS);
            for (String c : cases) {
                if (!HttpOptions.NEXT_CASES.contains(c)) {
                    throw invalid(h.where + ": nextCases has \"" + abbreviate(c) + "\"; use "
                            + String.join(", ", HttpOptions.NEXT_CASES));
                }
            }
        }
        long proxy = h.has("proxyBufferSize") ? h.number("proxyBufferSize", 0, HttpOptions.MAX_PROXY_BUFFER_SIZE) : 0;
        h.done();
        return new HttpOptions(maxBody, read, send, tries, nextTimeout, cases, proxy);
    }

    private static ServiceParams params(Obj p) throws InvalidManifestException {
        List<StorageParams> storage = null;
        List<Object> mounts = p.listOrNull("storage", MAX_LIST_ITEMS);
        if (mounts != null) {
            storage = new ArrayList<>();
            for (Object m : mounts) {
                Obj o = Obj.of(m, p.where + ", storage");
                storage.add(new StorageParams(
                        o.string("name", MAX_STRING_CHARS), o.string("mount", MAX_STRING_CHARS), o.bool("readOnly")));
                o.done();
            }
        }
        ServicePermissions permissions = null;
        if (p.has("permissions")) {
            Obj o = p.object("permissions");
            permissions =
                    new ServicePermissions(o.has("read") ? o.strings("read", MAX_LIST_ITEMS, MAX_STRING_CHARS) : null);
            o.done();
        }
        TeeParams tee = null;
        if (p.has("tee")) {
            Obj o = p.object("tee");
            tee = new TeeParams(o.string("type", MAX_STRING_CHARS), o.bool("attestation"));
            o.done();
        }
        p.done();
        return new ServiceParams(storage, permissions, tee);
    }

    private static Resources resources(Obj r) throws InvalidManifestException {
        int id = (int) r.number("id", 0, Integer.MAX_VALUE);
        Obj cpuObj = r.object("cpu");
        Cpu cpu = new Cpu(quantity(cpuObj, "units"), attributes(cpuObj));
        cpuObj.done();
        Obj memObj = r.object("memory");
        Memory memory = new Memory(quantity(memObj, "size"), attributes(memObj));
        memObj.done();
        List<Volume> storage = new ArrayList<>();
        if (r.has("storage")) {
            for (Object v : r.list("storage", SdlLimits.MAX_VOLUMES_PER_PROFILE)) {
                Obj o = Obj.of(v, r.where + ", storage");
                storage.add(new Volume(o.string("name", MAX_STRING_CHARS), quantity(o, "size"), attributes(o)));
                o.done();
            }
        }
        Obj gpuObj = r.object("gpu");
        Gpu gpu = new Gpu(quantity(gpuObj, "units"), attributes(gpuObj));
        gpuObj.done();
        List<Endpoint> endpoints = new ArrayList<>();
        for (Object e : r.list("endpoints", MAX_LIST_ITEMS)) {
            Obj o = Obj.of(e, r.where + ", endpoint");
            EndpointKind kind = EndpointKind.SHARED_HTTP;
            if (o.has("kind")) {
                long code = o.number("kind", 0, EndpointKind.maxCode());
                Optional<EndpointKind> known = EndpointKind.ofCode(code);
                if (known.isEmpty()) {
                    throw invalid(o.where + ": kind " + code + " is not an endpoint kind");
                }
                kind = known.get();
            }
            endpoints.add(new Endpoint(kind, (int) o.number("sequence_number", 0, Integer.MAX_VALUE)));
            o.done();
        }
        r.done();
        return new Resources(id, cpu, memory, storage, gpu, endpoints);
    }

    /** {@code {"val": "123"}}: a non-negative whole number written as a string, as Akash writes quantities. */
    private static long quantity(Obj parent, String key) throws InvalidManifestException {
        Obj q = parent.object(key);
        String val = q.string("val", 19);
        q.done();
        if (!val.matches("0|[1-9][0-9]*")) {
            throw invalid(parent.where + ": " + key + " is a whole number of units in quotes, got \"" + val + "\"");
        }
        try {
            return Long.parseLong(val);
        } catch (NumberFormatException e) {
            throw invalid(parent.where + ": " + key + " " + val + " is too large");
        }
    }

    private static List<Attribute> attributes(Obj parent) throws InvalidManifestException {
        if (!parent.has("attributes")) {
            return List.of();
        }
        List<Attribute> out = new ArrayList<>();
        for (Object a : parent.list("attributes", MAX_LIST_ITEMS)) {
            Obj o = Obj.of(a, parent.where + ", attribute");
            out.add(new Attribute(
                    o.has("key") ? o.string("key", MAX_STRING_CHARS) : "",
                    o.has("value") ? o.string("value", MAX_STRING_CHARS) : ""));
            o.done();
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static InvalidManifestException invalid(String message) {
        return new InvalidManifestException(Problem.INVALID, message);
    }

    /** A JSON object being read: typed getters that name the field in errors, and a check that nothing is left. */
    private static final class Obj {
        final Map<?, ?> map;
        final String where;
        final Set<String> read = new LinkedHashSet<>();

        private Obj(Map<?, ?> map, String where) {
            this.map = map;
            this.where = where;
        }

        static Obj of(Object value, String where) throws InvalidManifestException {
            if (!(value instanceof Map<?, ?> m)) {
                throw invalid(where + " is a JSON object, got " + kind(value));
            }
            return new Obj(m, where);
        }

        Obj renamed(String newWhere) {
            Obj o = new Obj(map, newWhere);
            o.read.addAll(read);
            return o;
        }

        boolean has(String key) {
            return map.containsKey(key);
        }

        private Object get(String key) throws InvalidManifestException {
            if (!map.containsKey(key)) {
                throw invalid(where + ": " + key + " is missing");
            }
            read.add(key);
            return map.get(key);
        }

        String string(String key, int maxChars) throws InvalidManifestException {
            Object v = get(key);
            if (!(v instanceof String s)) {
                throw invalid(where + ": " + key + " is a string, got " + kind(v));
            }
            return bounded(key, s, maxChars);
        }

        private String bounded(String key, String s, int maxChars) throws InvalidManifestException {
            if (s.length() > maxChars) {
                throw invalid(where + ": " + key + " is " + s.length() + " characters; at most " + maxChars);
            }
            if (s.indexOf('\0') >= 0) {
                throw invalid(where + ": " + key + " contains a NUL character");
            }
            return s;
        }

        long number(String key, long min, long max) throws InvalidManifestException {
            Object v = get(key);
            if (!(v instanceof Long n)) {
                throw invalid(where + ": " + key + " is a whole number, got " + kind(v));
            }
            if (n < min || n > max) {
                throw invalid(where + ": " + key + " is " + n + "; it must be between " + min + " and " + max);
            }
            return n;
        }

        boolean bool(String key) throws InvalidManifestException {
            Object v = get(key);
            if (!(v instanceof Boolean b)) {
                throw invalid(where + ": " + key + " is true or false, got " + kind(v));
            }
            return b;
        }

        Obj object(String key) throws InvalidManifestException {
            return of(get(key), where + ": " + key);
        }

        Obj objectOrNull(String key) throws InvalidManifestException {
            Object v = get(key);
            return v == null ? null : of(v, where + ": " + key);
        }

        List<Object> list(String key, int maxItems) throws InvalidManifestException {
            List<Object> l = listOrNull(key, maxItems);
            if (l == null) {
                throw invalid(where + ": " + key + " is a list, got null");
            }
            return l;
        }

        List<Object> listOrNull(String key, int maxItems) throws InvalidManifestException {
            Object v = get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> l)) {
                throw invalid(where + ": " + key + " is a list, got " + kind(v));
            }
            if (l.size() > maxItems) {
                throw invalid(where + ": " + key + " has " + l.size() + " entries; at most " + maxItems);
            }
            return new ArrayList<>(l);
        }

        List<String> strings(String key, int maxItems, int maxChars) throws InvalidManifestException {
            List<String> l = stringsOrNull(key, maxItems, maxChars);
            if (l == null) {
                throw invalid(where + ": " + key + " is a list of strings, got null");
            }
            return l;
        }

        List<String> stringsOrNull(String key, int maxItems, int maxChars) throws InvalidManifestException {
            List<Object> l = listOrNull(key, maxItems);
            if (l == null) {
                return null;
            }
            List<String> out = new ArrayList<>(l.size());
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw invalid(where + ": " + key + " is a list of strings, and has " + kind(o));
                }
                out.add(bounded(key, s, maxChars));
            }
            return out;
        }

        /** Refuses any field that was not read. */
        void done() throws InvalidManifestException {
            for (Object k : map.keySet()) {
                if (!read.contains(k)) {
                    throw invalid(where + ": unknown field \"" + abbreviate(String.valueOf(k)) + "\"");
                }
            }
        }

        private static String kind(Object v) {
            return switch (v) {
                case null -> "null";
                case String s -> "a string";
                case Long n -> "a number";
                case Boolean b -> "true/false";
                case List<?> l -> "a list";
                default -> "an object";
            };
        }
    }
}
