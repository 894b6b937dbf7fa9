package dev.vyoma.sdl.json;

import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ImageCredentials;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.ServiceParams;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns group specs and manifests into JSON trees shaped as Akash's Go structs marshal: the same field
 * names and order, the same {@code null}s, and the same {@code omitempty} omissions. These rules decide
 * the manifest version hash, so they live in this one place.
 */
public final class AkashJson {
    private AkashJson() {}

    /** The group specs as {@code MsgCreateDeployment.groups} reads in JSON. */
    public static List<Object> groupSpecs(List<GroupSpec> groups) {
        List<Object> out = new ArrayList<>(groups.size());
        for (GroupSpec g : groups) {
            Map<String, Object> signedBy = new LinkedHashMap<>();
            signedBy.put("all_of", g.requirements().signedBy().allOf());
            signedBy.put("any_of", g.requirements().signedBy().anyOf());
            Map<String, Object> requirements = new LinkedHashMap<>();
            requirements.put("signed_by", signedBy);
            requirements.put(
                    "attributes", nullIfEmpty(attributes(g.requirements().attributes())));

            List<Object> units = new ArrayList<>();
            for (ResourceUnit unit : g.resources()) {
                Map<String, Object> price = new LinkedHashMap<>();
                price.put("denom", unit.price().denom());
                price.put("amount", unit.price().amountString());
                Map<String, Object> ru = new LinkedHashMap<>();
                ru.put("resource", resources(unit.resources()));
                ru.put("count", unit.count());
                ru.put("price", price);
                units.add(ru);
            }

            Map<String, Object> group = new LinkedHashMap<>();
            group.put("name", g.name());
            group.put("requirements", requirements);
            group.put("resources", units);
            out.add(group);
        }
        return out;
    }

    /** The manifest as providers receive it and as its version hash reads it. */
    public static List<Object> manifest(Manifest manifest) {
        List<Object> out = new ArrayList<>(manifest.groups().size());
        for (ManifestGroup g : manifest.groups()) {
            List<Object> services = new ArrayList<>(g.services().size());
            for (ManifestService s : g.services()) {
                services.add(service(s));
            }
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("name", g.name());
            group.put("services", services);
            out.add(group);
        }
        return out;
    }

    private static Map<String, Object> service(ManifestService s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("image", s.image());
        m.put("command", s.command());
        m.put("args", s.args());
        m.put("env", s.env());
        m.put("resources", resources(s.resources()));
        m.put("count", s.count());
        List<Object> exposes = new ArrayList<>(s.expose().size());
        for (ServiceExpose e : s.expose()) {
            exposes.add(expose(e));
        }
        m.put("expose", exposes);
        if (s.params() != null) {
            m.put("params", params(s.params()));
        }
        m.put("credentials", credentials(s.credentials()));
        return m;
    }

    private static Map<String, Object> expose(ServiceExpose e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", e.port());
        m.put("externalPort", e.externalPort());
        m.put("proto", e.proto().name());
        m.put("service", e.service());
        m.put("global", e.global());
        m.put("hosts", e.hosts());
        m.put("httpOptions", httpOptions(e.httpOptions()));
        m.put("ip", e.ip());
        m.put("endpointSequenceNumber", e.endpointSequenceNumber());
        return m;
    }

    private static Map<String, Object> httpOptions(HttpOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxBodySize", o.maxBodySize());
        m.put("readTimeout", o.readTimeout());
        m.put("sendTimeout", o.sendTimeout());
        m.put("nextTries", o.nextTries());
        m.put("nextTimeout", o.nextTimeout());
        if (!o.nextCases().isEmpty()) {
            m.put("nextCases", o.nextCases());
        }
        if (o.proxyBufferSize() != 0) {
            m.put("proxyBufferSize", o.proxyBufferSize());
        }
        return m;
    }

    private static Map<String, Object> params(ServiceParams p) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> storage = null;
        if (p.storage() != null) {
            storage = new ArrayList<>();
            for (StorageParams sp : p.storage()) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("name", sp.name());
                v.put("mount", sp.mount());
                v.put("readOnly", sp.readOnly());
                storage.add(v);
            }
        }
        m.put("storage", storage);
        if (p.permissions() != null) {
            Map<String, Object> perm = new LinkedHashMap<>();
            if (p.permissions().read() != null && !p.permissions().read().isEmpty()) {
                perm.put("read", p.permissions().read());
            }
            m.put("permissions", perm);
        }
        if (p.tee() != null) {
            Map<String, Object> tee = new LinkedHashMap<>();
            tee.put("type", p.tee().type());
            tee.put("attestation", p.tee().attestation());
            m.put("tee", tee);
        }
        return m;
    }

    private static Map<String, Object> credentials(ImageCredentials c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", c.host());
        m.put("email", c.email());
        m.put("username", c.username());
        m.put("password", c.password());
        return m;
    }

    /** The {@code resources} object shared by group specs and manifest services. */
    public static Map<String, Object> resources(Resources r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("cpu", unitsWithAttributes("units", r.cpu().millicores(), r.cpu().attributes()));
        m.put(
                "memory",
                unitsWithAttributes("size", r.memory().bytes(), r.memory().attributes()));
        if (!r.storage().isEmpty()) {
            List<Object> volumes = new ArrayList<>(r.storage().size());
            for (Volume v : r.storage()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("name", v.name());
                vm.put("size", resourceValue(v.bytes()));
                putAttributes(vm, v.attributes());
                volumes.add(vm);
            }
            m.put("storage", volumes);
        }
        m.put("gpu", unitsWithAttributes("units", r.gpu().units(), r.gpu().attributes()));
        List<Object> endpoints = new ArrayList<>(r.endpoints().size());
        for (Endpoint e : r.endpoints()) {
            Map<String, Object> em = new LinkedHashMap<>();
            if (e.kind().code() != 0) {
                em.put("kind", e.kind().code());
            }
            em.put("sequence_number", e.sequenceNumber());
            endpoints.add(em);
        }
        m.put("endpoints", endpoints);
        return m;
    }

    private static Map<String, Object> unitsWithAttributes(String field, long value, List<Attribute> attributes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(field, resourceValue(value));
        putAttributes(m, attributes);
        return m;
    }

    private static Map<String, Object> resourceValue(long value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("val", Long.toString(value));
        return m;
    }

    private static void putAttributes(Map<String, Object> m, List<Attribute> attributes) {
        if (!attributes.isEmpty()) {
            m.put("attributes", attributes(attributes));
        }
    }

    private static List<Object> attributes(List<Attribute> attributes) {
        List<Object> out = new ArrayList<>(attributes.size());
        for (Attribute a : attributes) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (!a.key().isEmpty()) {
                m.put("key", a.key());
            }
            if (!a.value().isEmpty()) {
                m.put("value", a.value());
            }
            out.add(m);
        }
        return out;
    }

    private static List<Object> nullIfEmpty(List<Object> list) {
        return list.isEmpty() ? null : list;
    }
}
