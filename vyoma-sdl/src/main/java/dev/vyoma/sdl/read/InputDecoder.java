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
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.SignedBy;
import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final YamlShapes shapes;

    InputDecoder(Problems problems, SdlLimits limits) {
        this.problems = problems;
        this.limits = limits;
        this.shapes = new YamlShapes(problems);
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
        Map<String, Service> services =
                shapes.mapOf(top.get("services"), top.loc("services"), "services", this::service);
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
                compute = shapes.mapOf(
                        profiles.get("compute"), profiles.loc("compute"), "compute profiles", this::compute);
                placement = shapes.mapOf(
                        profiles.get("placement"), profiles.loc("placement"), "placement profiles", this::placement);
                profiles.warnUnknown("profiles");
            }
        }
        Map<String, Map<String, DeploymentEntry>> deployment =
                shapes.mapOf(top.get("deployment"), top.loc("deployment"), "deployment", this::deploymentOfService);
        Map<String, EndpointDecl> endpoints =
                shapes.mapOf(top.get("endpoints"), top.loc("endpoints"), "endpoints", this::endpoint);
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
                java.util.Set.copyOf(shapes.failed()));
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

    // ----- services -----

    private YamlShapes.Decoder<Service> service(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "service \"" + name + "\" is empty; give it at least an image");
                }
                return null;
            }
            Text image = shapes.text(f.get("image"), f.loc("image"));
            List<String> command =
                    f.get("command") == null ? null : Scalars.stringList(f.get("command"), f.loc("command"), problems);
            List<String> args =
                    f.get("args") == null ? null : Scalars.stringList(f.get("args"), f.loc("args"), problems);
            List<Text> env = shapes.textList(f.get("env"), f.loc("env"));
            List<Expose> expose = new ArrayList<>();
            List<YNode> exposeNodes = shapes.listOf(f.get("expose"), f.loc("expose"), "- port: 80");
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
        List<YNode> items = shapes.listOf(node, loc, "- service: db");
        for (int i = 0; i < items.size(); i++) {
            Fields f = Fields.of(items.get(i), loc.index(i, items.get(i)), problems);
            if (f != null) {
                shapes.text(f.get("service"), f.loc("service"));
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
        Text proto = shapes.text(f.get("proto"), f.loc("proto"));
        List<To> to = new ArrayList<>();
        List<YNode> toNodes = shapes.listOf(f.get("to"), f.loc("to"), "- global: true");
        for (int i = 0; i < toNodes.size(); i++) {
            To t = to(toNodes.get(i), f.loc("to").index(i, toNodes.get(i)));
            if (t != null) {
                to.add(t);
            }
        }
        List<Text> accept = shapes.textList(f.get("accept"), f.loc("accept"));
        HttpIn http = http(f.get("http_options"), f.loc("http_options"));
        f.warnUnknown("an expose entry");
        return new Expose(loc, port, f.loc("port"), as, f.loc("as"), proto, to, accept, http);
    }

    private To to(YNode node, Loc loc) {
        Fields f = Fields.of(node, loc, problems);
        if (f == null) {
            return new To(loc, "", false, new Text("", loc));
        }
        Text service = shapes.text(f.get("service"), f.loc("service"));
        Boolean global =
                f.get("global") == null ? Boolean.FALSE : Scalars.bool(f.get("global"), f.loc("global"), problems);
        Text ip = shapes.text(f.get("ip"), f.loc("ip"));
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
        List<Text> nextCases = shapes.textList(f.get("next_cases"), f.loc("next_cases"));
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
        Map<String, StorageMount> storage = shapes.mapOf(f.get("storage"), f.loc("storage"), "storage", this::mount);
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
        Text tee = f.get("tee") == null ? null : shapes.text(f.get("tee"), f.loc("tee"));
        f.warnUnknown("params");
        return new Params(loc, storage, read, hasPermissions, tee);
    }

    private YamlShapes.Decoder<StorageMount> mount(String volume, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                return new StorageMount(volume, loc, new Text("", loc), false);
            }
            Text mount = shapes.text(f.get("mount"), f.loc("mount"));
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
        Text host = shapes.text(f.get("host"), f.loc("host"));
        Text email = shapes.text(f.get("email"), f.loc("email"));
        Text username = shapes.text(f.get("username"), f.loc("username"));
        Text password = shapes.text(f.get("password"), f.loc("password"));
        f.warnUnknown("credentials");
        return new Credentials(loc, value(host), value(email), value(username), value(password));
    }

    private static String value(Text t) {
        return t == null ? "" : t.value();
    }

    // ----- compute profiles -----

    private YamlShapes.Decoder<ComputeProfile> compute(String name, Loc loc) {
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
                memory = YamlShapes.size(
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

    private Long quantity(YNode node, Loc loc, java.util.function.ToLongFunction<String> parse) {
        return YamlShapes.quantity(node, loc, problems, parse);
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

    private YamlShapes.Decoder<PlacementProfile> placement(String name, Loc loc) {
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
            Map<String, Price> pricing = shapes.mapOf(f.get("pricing"), f.loc("pricing"), "pricing", this::price);
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

    private YamlShapes.Decoder<Price> price(String profile, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                if (Fields.isNull(node)) {
                    problems.error(loc, "price is empty; give denom and amount, e.g. {denom: uusd, amount: 1000}");
                }
                return null;
            }
            Text denom = shapes.text(f.get("denom"), f.loc("denom"));
            Text amountText = shapes.text(f.get("amount"), f.loc("amount"));
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

    private YamlShapes.Decoder<Map<String, DeploymentEntry>> deploymentOfService(String service, Loc loc) {
        return node -> shapes.mapOf(node, loc, "placements", (placement, ploc) -> entryNode -> {
            Fields f = Fields.of(entryNode, ploc, problems);
            if (f == null) {
                if (Fields.isNull(entryNode)) {
                    problems.error(ploc, "give the compute profile and count, e.g. {profile: web, count: 1}");
                }
                return null;
            }
            Text profile = shapes.text(f.get("profile"), f.loc("profile"));
            if (f.get("profile") == null) {
                problems.error(ploc, "profile is missing; name the compute profile to use");
            }
            Long count =
                    f.get("count") == null ? Long.valueOf(0) : Scalars.uint32(f.get("count"), f.loc("count"), problems);
            f.warnUnknown("a deployment entry");
            return new DeploymentEntry(service, placement, ploc, profile, count, f.loc("count"));
        });
    }

    private YamlShapes.Decoder<EndpointDecl> endpoint(String name, Loc loc) {
        return node -> {
            Fields f = Fields.of(node, loc, problems);
            if (f == null) {
                return new EndpointDecl(name, loc, new Text("", loc));
            }
            Text kind = shapes.text(f.get("kind"), f.loc("kind"));
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
        Text window = shapes.text(f.get("min_window"), f.loc("min_window"));
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
