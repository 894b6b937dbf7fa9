package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.ManifestGroup;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SDL for the container tests, written as a tenant would, read by the real SDL reader into a manifest. */
final class TestSdl {
    private final String image;
    private final List<Service> services = new ArrayList<>();

    /** One service: a shell script as its args, run by {@code sh -c}. */
    static final class Service {
        final String name;
        String script = "exec sleep 3600";
        final List<String> env = new ArrayList<>();
        final List<String> expose = new ArrayList<>();
        final List<String> volumes = new ArrayList<>();
        final List<String> mounts = new ArrayList<>();
        String memory = "64Mi";
        int count = 1;
        String credentials = "";
        String gpu = "";

        Service(String name) {
            this.name = name;
        }

        Service script(String s) {
            script = s;
            return this;
        }

        Service env(String kv) {
            env.add(kv);
            return this;
        }

        Service memory(String m) {
            memory = m;
            return this;
        }

        Service count(int c) {
            count = c;
            return this;
        }

        /** The image's registry credentials. */
        Service credentials(String host, String username, String password) {
            credentials = "    credentials:\n      host: " + quote(host) + "\n      username: " + quote(username)
                    + "\n      password: " + quote(password) + "\n";
            return this;
        }

        /** {@code units} GPUs per replica, of NVIDIA's {@code model}. */
        Service gpu(int units, String model) {
            gpu = "        gpu:\n          units: " + units + "\n          attributes:\n            vendor:\n"
                    + "              nvidia:\n                - model: " + model + "\n";
            return this;
        }

        /** Port reachable from the internet as {@code as}. */
        Service global(int port, int as) {
            expose.add("      - port: " + port + "\n        as: " + as + "\n        to:\n          - global: true\n");
            return this;
        }

        /** Port reachable from {@code service} only. */
        Service to(int port, String service) {
            expose.add("      - port: " + port + "\n        to:\n          - service: " + service + "\n");
            return this;
        }

        /** A volume mounted at {@code mount}: {@code ram} (a tmpfs) or persistent. */
        Service volume(String name, String size, boolean ram, String mount) {
            String attrs = ram ? "{class: ram}" : "{persistent: true, class: beta3}";
            volumes.add("          - name: " + name + "\n            size: " + size + "\n            attributes: "
                    + attrs + "\n");
            mounts.add("        " + name + ":\n          mount: " + mount + "\n");
            return this;
        }
    }

    TestSdl(String image) {
        this.image = image;
    }

    static Service service(String name) {
        return new Service(name);
    }

    TestSdl with(Service s) {
        services.add(s);
        return this;
    }

    String yaml() {
        // The SDL needs one port reachable from the internet: without one, the first service also serves /tmp on 80.
        boolean global = services.stream().anyMatch(s -> s.expose.stream().anyMatch(e -> e.contains("global")));
        StringBuilder y = new StringBuilder("version: \"2.0\"\nservices:\n");
        for (Service s : services) {
            if (!global && s == services.get(0)) {
                s.global(80, 80).script("httpd -p 80 -h /tmp; " + s.script);
                global = true;
            }
            y.append("  ").append(s.name).append(":\n    image: ").append(image).append('\n');
            y.append("    command: [\"sh\", \"-c\"]\n    args: [")
                    .append(quote(s.script))
                    .append("]\n");
            y.append(s.credentials);
            if (!s.env.isEmpty()) {
                y.append("    env:\n");
                s.env.forEach(e -> y.append("      - ").append(quote(e)).append('\n'));
            }
            if (!s.expose.isEmpty()) {
                y.append("    expose:\n");
                s.expose.forEach(y::append);
            }
            if (!s.mounts.isEmpty()) {
                y.append("    params:\n      storage:\n");
                s.mounts.forEach(y::append);
            }
        }
        y.append("profiles:\n  compute:\n");
        for (Service s : services) {
            y.append("    ").append(s.name).append(":\n      resources:\n        cpu: {units: 0.25}\n");
            y.append("        memory: {size: ").append(s.memory).append("}\n");
            y.append(s.gpu);
            y.append("        storage:\n          - size: 64Mi\n");
            s.volumes.forEach(y::append);
        }
        y.append("  placement:\n    dc:\n      pricing:\n");
        services.forEach(s -> y.append("        ").append(s.name).append(": {denom: uusd, amount: 1000}\n"));
        y.append("deployment:\n");
        services.forEach(s -> y.append("  ")
                .append(s.name)
                .append(":\n    dc: {profile: ")
                .append(s.name)
                .append(", count: ")
                .append(s.count)
                .append("}\n"));
        return y.toString();
    }

    List<ManifestGroup> groups() {
        SdlResult r = Sdl.parse(yaml(), "test.yaml");
        if (!(r instanceof SdlResult.Valid v)) {
            throw new IllegalArgumentException("test SDL is invalid: " + r.errors() + "\n" + yaml());
        }
        return v.document().manifest().groups();
    }

    /** The lease's group, as the gateway hands it to the runtime. */
    ManifestGroup group() {
        return groups().get(0);
    }

    /** The manifest as a tenant sends it: Akash's JSON. */
    JsonNode json() {
        return JsonMapper.builder()
                .build()
                .readTree(JsonWriter.compact(AkashJson.manifest(new dev.vyoma.sdl.manifest.Manifest(groups()))));
    }

    private static String quote(String s) {
        return JsonWriter.compact(s);
    }
}
