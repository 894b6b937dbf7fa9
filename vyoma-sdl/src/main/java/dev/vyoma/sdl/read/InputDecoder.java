package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.SdlVersion;
import dev.vyoma.sdl.read.SdlInput.ComputeProfile;
import dev.vyoma.sdl.read.SdlInput.Credentials;
import dev.vyoma.sdl.read.SdlInput.DeploymentEntry;
import dev.vyoma.sdl.read.SdlInput.EndpointDecl;
import dev.vyoma.sdl.read.SdlInput.Expose;
import dev.vyoma.sdl.read.SdlInput.HttpIn;
import dev.vyoma.sdl.read.SdlInput.Num;
import dev.vyoma.sdl.read.SdlInput.Params;
import dev.vyoma.sdl.read.SdlInput.PlacementProfile;
import dev.vyoma.sdl.read.SdlInput.Price;
import dev.vyoma.sdl.read.SdlInput.Reclamation;
import dev.vyoma.sdl.read.SdlInput.Service;
import dev.vyoma.sdl.read.SdlInput.StorageMount;
import dev.vyoma.sdl.read.SdlInput.Text;
import dev.vyoma.sdl.read.SdlInput.To;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GoStrings;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.SignedBy;
import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import dev.vyoma.sdl.yaml.YSequence;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Decodes the YAML tree into {@link SdlInput}, applying the typing rules of Akash's Go decoder (see
 * {@link Scalars}) and its per-field rules for quantities, storage attributes and GPU attributes. Fields
 * Akash's schema does not define are errors with a "did you mean" hint, except the two Akash's Go parser
 * silently ignores and real SDLs carry ({@code memory.attributes}, {@code expose[].to[].http_options}),
 * which are warnings.
 */
final class InputDecoder {
    private static final String TOP_LEVEL = "the SDL";

    private final Problems problems;
    private final SdlLimits limits;
    /** Paths of named entries (services.web, profiles.compute.big) that failed to decode. */
    private final java.util.Set<String> failed = new java.util.HashSet<>();

    InputDecoder(Problems problems, SdlLimits limits) {
        this.problems = problems;
        this.limits = limits;
    }

    SdlInput decode(YNode root) {
        if (!(root instanceof YMapping)) {
            problems.error(
                    Loc.ROOT.at(root.mark()),
                    "an SDL is a mapping with version, services, profiles and deployment, got " + root.describe());
            return null;
        }
        Fields top = Fields.of(root, Loc.ROOT, problems);
        YNode versionNode = top.get("version");
        SdlVersion version = version(versionNode, top);
        top.get("include"); // parsed by Akash and never used
        Map<String, Service> services = mapOf(top.get("services"), top.loc("services"), "services", this::service);
        if (top.get("services") == null) {
            problems.error(top.loc(), "services is missing; list the containers to run under services");
        }
        Map<String, ComputeProfile> compute = Map.of();
        Map<String, PlacementProfile> placement = Map.of();
        YNode profilesNode = top.get("profiles");
        if (profilesNode == null) {
            problems.error(top.loc(), "profiles is missing; define profiles.compute and profiles.placement");
        } else {
            Fields profiles = Fields.of(profilesNode, top.loc("profiles"), problems);
            if (profiles != null) {
                compute = mapOf(profiles.get("compute"), profiles.loc("compute"), "compute profiles", this::compute);
                placement = mapOf(
                        profiles.get("placement"), profiles.loc("placement"), "placement profiles", this::placement);
                profiles.warnUnknown("profiles");
            }
        }
        Map<String, Map<String, DeploymentEntry>> deployment =
                mapOf(top.get("deployment"), top.loc("deployment"), "deployment", this::deploymentOfService);
        Map<String, EndpointDecl> endpoints =
                mapOf(top.get("endpoints"), top.loc("endpoints"), "endpoints", this::endpoint);
        Reclamation reclamation = reclamation(top.get("reclamation"), top.loc("reclamation"));
        top.rejectUnknown(TOP_LEVEL);
        if (services.size() > limits.maxServices()) {
            problems.error(
                    top.loc("services"),
                    "has " + services.size() + " services; an SDL may have at most " + limits.maxServices());
        }
        return new SdlInput(
                version,
                top.loc("version"),
                services,
                top.loc("services"),
                compute,
                placement,
                deployment,
                top.loc("deployment"),
                endpoints,
                reclamation,
                java.util.Set.copyOf(failed));
    }

    private SdlVersion version(YNode node, Fields top) {
        if (node == null) {
            problems.error(top.loc(), "version is missing; start the file with version: \"2.0\"");
            return SdlVersion.V2_0;
        }
        Loc loc = top.loc("version");
        String text = Scalars.string(node, loc, problems);
        if (text == null) {
            return SdlVersion.V2_0;
        }
        String t = text.trim();
        if (t.startsWith("v") || t.startsWith("V")) {
            t = t.substring(1);
        }
        switch (t) {
            case "2", "2.0", "2.0.0" -> {
                return SdlVersion.V2_0;
            }
            case "2.1", "2.1.0" -> {
                return SdlVersion.V2_1;
            }
            default -> {
                problems.error(loc, "unsupported SDL version \"" + text + "\"; use \"2.0\" or \"2.1\"");
                return SdlVersion.V2_0;
            }
        }
    }

    // ----- generic shapes -----

    /** A mapping of names to values decoded by {@code item}; sorted by Go's string order. */
    private <T> Map<String, T> mapOf(YNode node, Loc loc, String what, BiFunction<String, Loc, Decoder<T>> item) {
        Map<String, T> out = new TreeMap<>(GoStrings.ORDER);
        if (node == null) {
            return out;
        }
        Fields fields = Fields.of(node, loc, problems);
        if (fields == null) {
            return out;
        }
        for (YMapping.Entry e : fields.entries()) {
            String name = e.key().value();
            Loc at = loc.key(name, e.value());
            T value = item.apply(name, at).decode(e.value());
            if (value != null) {
                out.put(name, value);
            } else {
                failed.add(at.path());
            }
        }
        return out;
    }

    /** Decodes one value. */
    @FunctionalInterface
    private interface Decoder<T> {
        T decode(YNode node);
    }

    private List<YNode> listOf(YNode node, Loc loc, String example) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return List.of();
        }
        if (node instanceof YSequence seq) {
            return seq.items();
        }
        problems.error(loc, "must be a list (" + example + "), got " + node.describe());
        return List.of();
    }

    private Text text(YNode node, Loc loc) {
        if (node == null) {
            return new Text("", loc);
        }
        String v = Scalars.string(node, loc, problems);
        return v == null ? null : new Text(v, loc);
    }

    private List<Text> textList(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return null;
        }
        if (!(node instanceof YSequence seq)) {
            problems.error(loc, "must be a list of text values, got " + node.describe());
            return null;
        }
        List<Text> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            Text t = text(item, loc.index(i, item));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    // ----- services -----

    private Decoder<Service> service(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "service \"" + name + "\" is empty; give it at least an image");
                }
                return null;
            }
            Text image = text(f.get("image"), f.loc("image"));
            List<String> command =
                    f.get("command") == null ? null : Scalars.stringList(f.get("command"), f.loc("command"), problems);
            List<String> args =
                    f.get("args") == null ? null : Scalars.stringList(f.get("args"), f.loc("args"), problems);
            List<Text> env = textList(f.get("env"), f.loc("env"));
            List<Expose> expose = new ArrayList<>();
            List<YNode> exposeNodes = listOf(f.get("expose"), f.loc("expose"), "- port: 80");
            for (int i = 0; i < exposeNodes.size(); i++) {
                Expose e = expose(exposeNodes.get(i), f.loc("expose").index(i, exposeNodes.get(i)));
                if (e != null) {
                    expose.add(e);
                }
            }
            dependencies(f.get("dependencies"), f.loc("dependencies"));
            Params params = params(f.get("params"), f.loc("params"));
            Credentials credentials = credentials(f.get("credentials"), f.loc("credentials"));
            f.warnUnknown("service \"" + name + "\"");
            return new Service(name, loc, image, command, args, env, expose, params, credentials);
        };
    }

    private void dependencies(YNode node, Loc loc) {
        List<YNode> items = listOf(node, loc, "- service: db");
        for (int i = 0; i < items.size(); i++) {
            Fields f = Fields.of(items.get(i), loc.index(i, items.get(i)), problems);
            if (f != null) {
                text(f.get("service"), f.loc("service"));
                f.warnUnknown("a dependency");
            }
        }
    }

    private Expose expose(YNode node, Loc loc) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            if (Fields.isNull(node)) {
                problems.error(loc, "an expose entry needs at least a port");
            }
            return null;
        }
        YNode portNode = f.get("port");
        Long port = portNode == null ? Long.valueOf(0) : Scalars.uint32(portNode, f.loc("port"), problems);
        Long as = f.get("as") == null ? Long.valueOf(0) : Scalars.uint32(f.get("as"), f.loc("as"), problems);
        Text proto = text(f.get("proto"), f.loc("proto"));
        List<To> to = new ArrayList<>();
        List<YNode> toNodes = listOf(f.get("to"), f.loc("to"), "- global: true");
        for (int i = 0; i < toNodes.size(); i++) {
            To t = to(toNodes.get(i), f.loc("to").index(i, toNodes.get(i)));
            if (t != null) {
                to.add(t);
            }
        }
        List<Text> accept = textList(f.get("accept"), f.loc("accept"));
        HttpIn http = http(f.get("http_options"), f.loc("http_options"));
        f.warnUnknown("an expose entry");
        return new Expose(loc, port, f.loc("port"), as, f.loc("as"), proto, to, accept, http);
    }

    private To to(YNode node, Loc loc) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return new To(loc, "", false, new Text("", loc));
        }
        Text service = text(f.get("service"), f.loc("service"));
        Boolean global =
                f.get("global") == null ? Boolean.FALSE : Scalars.bool(f.get("global"), f.loc("global"), problems);
        Text ip = text(f.get("ip"), f.loc("ip"));
        YNode ignored = f.get("http_options");
        if (ignored != null) {
            http(ignored, f.loc("http_options"));
            problems.warning(
                    f.loc("http_options"), "http_options here is ignored by Akash; put it on the expose entry instead");
        }
        f.warnUnknown("an expose destination");
        return new To(
                loc,
                service == null ? "" : service.value(),
                global != null && global,
                ip == null ? new Text("", f.loc("ip")) : ip);
    }

    private static final List<String> HTTP_NUMBERS =
            List.of("max_body_size", "proxy_buffer_size", "read_timeout", "send_timeout", "next_tries", "next_timeout");

    private HttpIn http(YNode node, Loc loc) {
        if (node == null) {
            return HttpIn.NONE;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return HttpIn.NONE;
        }
        Map<String, Num> numbers = new LinkedHashMap<>();
        for (String key : HTTP_NUMBERS) {
            YNode v = f.get(key);
            if (v != null) {
                Long n = Scalars.uint32(v, f.loc(key), problems);
                if (n != null) {
                    numbers.put(key, new Num(n, f.loc(key)));
                }
            }
        }
        List<Text> nextCases = textList(f.get("next_cases"), f.loc("next_cases"));
        f.warnUnknown("http_options");
        return new HttpIn(loc, numbers, nextCases);
    }

    private Params params(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return null;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return null;
        }
        Map<String, StorageMount> storage = mapOf(f.get("storage"), f.loc("storage"), "storage", this::mount);
        List<String> read = null;
        boolean hasPermissions = false;
        YNode permNode = f.get("permissions");
        if (permNode != null && !(permNode instanceof YScalar s && s.isNull())) {
            Fields perm = Fields.of(permNode, f.loc("permissions"), problems);
            if (perm != null) {
                hasPermissions = true;
                read = perm.get("read") == null
                        ? null
                        : Scalars.stringList(perm.get("read"), perm.loc("read"), problems);
                perm.warnUnknown("permissions");
            }
        }
        Text tee = f.get("tee") == null ? null : text(f.get("tee"), f.loc("tee"));
        f.warnUnknown("params");
        return new Params(loc, storage, read, hasPermissions, tee);
    }

    private Decoder<StorageMount> mount(String volume, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                return new StorageMount(volume, loc, new Text("", loc), false);
            }
            Text mount = text(f.get("mount"), f.loc("mount"));
            Boolean readOnly = f.get("readOnly") == null
                    ? Boolean.FALSE
                    : Scalars.bool(f.get("readOnly"), f.loc("readOnly"), problems);
            f.warnUnknown("a storage mount");
            return new StorageMount(
                    volume, loc, mount == null ? new Text("/", loc) : mount, readOnly != null && readOnly);
        };
    }

    private Credentials credentials(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return null;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return null;
        }
        Text host = text(f.get("host"), f.loc("host"));
        Text email = text(f.get("email"), f.loc("email"));
        Text username = text(f.get("username"), f.loc("username"));
        Text password = text(f.get("password"), f.loc("password"));
        f.warnUnknown("credentials");
        return new Credentials(loc, value(host), value(email), value(username), value(password));
    }

    private static String value(Text t) {
        return t == null ? "" : t.value();
    }

    // ----- compute profiles -----

    private Decoder<ComputeProfile> compute(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "compute profile \"" + name + "\" is empty; give it resources");
                }
                return null;
            }
            YNode resNode = f.get("resources");
            f.warnUnknown("compute profile \"" + name + "\"");
            Loc rloc = f.loc("resources");
            Fields r = resNode == null ? null : Fields.of(resNode, rloc, problems);
            if (r == null) {
                problems.error(rloc, "resources is missing; give cpu, memory and storage");
                return null;
            }
            Long cpu = null;
            List<Attribute> cpuAttributes = List.of();
            YNode cpuNode = r.get("cpu");
            Fields c = cpuNode == null ? null : Fields.of(cpuNode, r.loc("cpu"), problems);
            if (c == null) {
                problems.error(r.loc("cpu"), "cpu is missing; give cpu: {units: 1} (cores) or units: 500m");
            } else {
                cpu = quantity(c.get("units"), c.loc("units"), Quantities::cpuMillis);
                cpuAttributes = cpuAttributes(c.get("attributes"), c.loc("attributes"));
                c.warnUnknown("cpu");
            }
            Long memory = null;
            YNode memNode = r.get("memory");
            Fields m = memNode == null ? null : Fields.of(memNode, r.loc("memory"), problems);
            if (m == null) {
                problems.error(r.loc("memory"), "memory is missing; give memory: {size: 512Mi}");
            } else {
                memory = size(
                        m.get("size"),
                        m.loc("size"),
                        problems,
                        "a size such as 512Mi or 2Gi (suffixes Ki Mi Gi Ti are powers of 1024, k M G T of 1000)");
                m.warnUnknown("memory");
            }
            List<SdlInput.VolumeIn> storage = Volumes.decode(r.get("storage"), r.loc("storage"), problems, limits);
            Gpu gpu = Gpus.decode(r.get("gpu"), r.loc("gpu"), problems);
            r.warnUnknown("resources");
            return new ComputeProfile(
                    name,
                    loc,
                    cpu,
                    r.loc("cpu"),
                    cpuAttributes,
                    memory,
                    r.loc("memory"),
                    storage,
                    r.loc("storage"),
                    gpu,
                    r.loc("gpu"));
        };
    }

    /** Parses a quantity from the scalar's literal text, as Akash's custom decoders do; null node is 0. */
    static Long quantity(YNode node, Loc loc, Problems problems, java.util.function.ToLongFunction<String> parse) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return 0L;
        }
        if (!(node instanceof YScalar s)) {
            problems.error(loc, "must be a single value, got " + node.describe());
            return null;
        }
        try {
            return parse.applyAsLong(s.value());
        } catch (IllegalArgumentException e) {
            problems.error(loc, e.getMessage());
            return null;
        }
    }

    private Long quantity(YNode node, Loc loc, java.util.function.ToLongFunction<String> parse) {
        return quantity(node, loc, problems, parse);
    }

    /**
     * A memory or storage size. Akash's Go parser takes case-sensitive suffixes ({@code Gi}, {@code G});
     * Akash Console also takes {@code gi}, {@code GB} and the like, and many published templates use them.
     * We read those as Console does, with a warning, so the templates deploy as they do on Akash.
     */
    static Long size(YNode node, Loc loc, Problems problems, String example) {
        Problems probe = new Problems(problems.source());
        Long bytes = quantity(node, loc, probe, t -> Quantities.bytes(t, Quantities.SIZE_SUFFIXES, example));
        if (bytes != null) {
            return bytes;
        }
        String text = node instanceof YScalar s ? s.value() : "";
        long console = Quantities.consoleBytes(text);
        if (console >= 0) {
            problems.warning(
                    loc,
                    "\"" + text + "\" is read as Akash Console reads it (" + console
                            + " bytes); Akash's CLI rejects it: write sizes with case-sensitive suffixes such as Gi (1024³) or G (1000³)");
            return console;
        }
        problems.addAll(probe);
        return null;
    }

    private List<Attribute> cpuAttributes(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return List.of();
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return List.of();
        }
        List<Attribute> out = new ArrayList<>();
        for (YMapping.Entry e : f.entries()) {
            String key = e.key().value();
            if (!key.equals("arch")) {
                problems.error(
                        loc.key(key, e.key()), "unsupported cpu attribute \"" + key + "\"; only arch is allowed");
                continue;
            }
            String v = Scalars.string(e.value(), loc.key(key, e.value()), problems);
            if (v != null) {
                out.add(new Attribute(key, v));
            }
        }
        return out;
    }

    // ----- placement profiles -----

    private Decoder<PlacementProfile> placement(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "placement profile \"" + name + "\" is empty; give it pricing");
                }
                return null;
            }
            List<Attribute> attributes = new ArrayList<>();
            YNode attrNode = f.get("attributes");
            Fields a = attrNode == null ? null : Fields.of(attrNode, f.loc("attributes"), problems);
            if (a != null) {
                for (YMapping.Entry e : a.entries()) {
                    String key = e.key().value();
                    String v = Scalars.string(e.value(), a.loc().key(key, e.value()), problems);
                    if (v != null) {
                        attributes.add(new Attribute(key, v));
                    }
                }
                attributes.sort(null);
            }
            SignedBy signedBy = signedBy(f.get("signedBy"), f.loc("signedBy"));
            Map<String, Price> pricing = mapOf(f.get("pricing"), f.loc("pricing"), "pricing", this::price);
            f.warnUnknown("placement profile \"" + name + "\"");
            // Missing prices are reported per deployed profile by the validator, as Akash does.
            java.util.Set<String> priced = new java.util.HashSet<>();
            Fields pricingFields =
                    f.get("pricing") == null ? null : Fields.of(f.get("pricing"), f.loc("pricing"), new Problems(""));
            if (pricingFields != null) {
                for (YMapping.Entry e : pricingFields.entries()) {
                    priced.add(e.key().value());
                }
            }
            return new PlacementProfile(name, loc, attributes, signedBy, pricing, priced);
        };
    }

    private SignedBy signedBy(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return SignedBy.NONE;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return SignedBy.NONE;
        }
        List<String> allOf =
                f.get("allOf") == null ? null : Scalars.stringList(f.get("allOf"), f.loc("allOf"), problems);
        List<String> anyOf =
                f.get("anyOf") == null ? null : Scalars.stringList(f.get("anyOf"), f.loc("anyOf"), problems);
        f.warnUnknown("signedBy");
        return new SignedBy(allOf, anyOf);
    }

    private Decoder<Price> price(String profile, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "price is empty; give denom and amount, e.g. {denom: uusd, amount: 1000}");
                }
                return null;
            }
            Text denom = text(f.get("denom"), f.loc("denom"));
            Text amountText = text(f.get("amount"), f.loc("amount"));
            f.warnUnknown("a price");
            BigDecimal amount = null;
            if (f.get("amount") == null) {
                problems.error(loc, "amount is missing; give the price per block, e.g. amount: 1000");
            } else if (amountText != null) {
                try {
                    amount = Quantities.price(amountText.value());
                } catch (IllegalArgumentException e) {
                    problems.error(f.loc("amount"), e.getMessage());
                }
            }
            String d = denom == null ? null : denom.value();
            if (f.get("denom") == null) {
                problems.error(loc, "denom is missing; give the coin to pay in, e.g. denom: uusd");
                d = null;
            }
            return amount == null || d == null ? null : new Price(loc, d, f.loc("denom"), amount);
        };
    }

    // ----- deployment, endpoints, reclamation -----

    private Decoder<Map<String, DeploymentEntry>> deploymentOfService(String service, Loc loc) {
        return node -> mapOf(node, loc, "placements", (placement, ploc) -> entryNode -> {
            Fields f = Fields.of(entryNode, ploc, problems);
            if (f == null) {
                if (Fields.isNull(entryNode)) {
                    problems.error(ploc, "give the compute profile and count, e.g. {profile: web, count: 1}");
                }
                return null;
            }
            Text profile = text(f.get("profile"), f.loc("profile"));
            if (f.get("profile") == null) {
                problems.error(ploc, "profile is missing; name the compute profile to use");
            }
            Long count =
                    f.get("count") == null ? Long.valueOf(0) : Scalars.uint32(f.get("count"), f.loc("count"), problems);
            f.warnUnknown("a deployment entry");
            return new DeploymentEntry(service, placement, ploc, profile, count, f.loc("count"));
        });
    }

    private Decoder<EndpointDecl> endpoint(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                return new EndpointDecl(name, loc, new Text("", loc));
            }
            Text kind = text(f.get("kind"), f.loc("kind"));
            f.warnUnknown("an endpoint");
            return new EndpointDecl(name, loc, kind == null ? new Text("", loc) : kind);
        };
    }

    private Reclamation reclamation(YNode node, Loc loc) {
        if (node == null) {
            return null;
        }
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            if (Fields.isNull(node)) {
                problems.error(loc, "reclamation needs min_window, e.g. min_window: 24h");
            }
            return null;
        }
        Text window = text(f.get("min_window"), f.loc("min_window"));
        f.warnUnknown("reclamation");
        if (window == null) {
            return null;
        }
        try {
            Duration d = GoDuration.parse(window.value());
            if (d.isNegative() || d.isZero()) {
                problems.error(f.loc("min_window"), "must be more than zero, got \"" + window.value() + "\"");
                return null;
            }
            return new Reclamation(f.loc("min_window"), d);
        } catch (IllegalArgumentException e) {
            problems.error(f.loc("min_window"), e.getMessage());
            return null;
        }
    }
}
