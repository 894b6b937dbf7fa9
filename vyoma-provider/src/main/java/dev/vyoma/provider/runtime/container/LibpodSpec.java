package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.model.Mount;
import dev.vyoma.sdl.manifest.Protocol;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link Provisioner.Spec} as Podman's libpod API takes it ({@code POST /libpod/containers/create}, its
 * SpecGenerator): the same container the Docker API request describes, plus its CDI devices. Settings Podman
 * would otherwise add on its own are turned off: no host environment, no proxy variables. No restart policy: the
 * reconcile loop restarts replicas.
 */
final class LibpodSpec {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LibpodSpec() {}

    static byte[] json(Provisioner.Spec s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", s.name());
        o.put("hostname", s.hostname());
        o.put("image", s.image());
        ObjectNode labels = o.putObject("labels");
        s.labels().forEach(labels::put);
        if (s.entrypoint() != null) {
            s.entrypoint().forEach(o.putArray("entrypoint")::add);
        }
        if (s.cmd() != null) {
            s.cmd().forEach(o.putArray("command")::add);
        }
        ObjectNode env = o.putObject("env");
        env(s).forEach(env::put);
        o.put("env_host", false);
        o.put("httpproxy", false);
        o.putObject("netns").put("nsmode", "bridge");
        o.putObject("Networks").putObject(s.network()).putArray("aliases").add(s.alias());
        ArrayNode mappings = o.putArray("portmappings");
        Map<String, String> expose = new LinkedHashMap<>();
        for (LeasePlan.Port p : s.ports()) {
            String proto = p.proto() == Protocol.UDP ? "udp" : "tcp";
            expose.merge(String.valueOf(p.port()), proto, (a, b) -> a + "," + b);
            if (p.published()) {
                // Host port 0: Podman picks a free one, as Docker does for an empty host port.
                mappings.addObject()
                        .put("host_ip", Provisioner.LOOPBACK)
                        .put("container_port", p.port())
                        .put("host_port", 0)
                        .put("protocol", proto);
            }
        }
        ObjectNode exposed = o.putObject("expose");
        expose.forEach(exposed::put);
        o.put("stop_timeout", s.stopGraceSeconds());
        o.put("privileged", false);
        o.put("no_new_privileges", true);
        ObjectNode limits = o.putObject("resource_limits");
        limits.putObject("cpu").put("quota", s.cpuQuotaMicros()).put("period", Provisioner.CPU_PERIOD_MICROS);
        limits.putObject("memory").put("limit", s.memoryBytes()).put("swap", s.memoryBytes());
        limits.putObject("pids").put("limit", s.pids());
        ArrayNode rlimits = o.putArray("r_limits");
        rlimits.addObject().put("type", "nofile").put("hard", s.openFiles()).put("soft", s.openFiles());
        rlimits.addObject().put("type", "nproc").put("hard", s.processes()).put("soft", s.processes());
        ArrayNode volumes = o.putArray("volumes");
        for (Mount v : s.volumes()) {
            ArrayNode options = volumes.addObject()
                    .put("Name", v.getSource())
                    .put("Dest", v.getTarget())
                    .putArray("Options");
            if (Boolean.TRUE.equals(v.getReadOnly())) {
                options.add("ro");
            }
        }
        ArrayNode mounts = o.putArray("mounts");
        for (LeasePlan.Tmpfs t : s.tmpfs()) {
            ArrayNode options = mounts.addObject()
                    .put("destination", t.mount())
                    .put("type", "tmpfs")
                    .put("source", "tmpfs")
                    .putArray("options")
                    .add("size=" + t.bytes())
                    .add("mode=" + Integer.toOctalString(Provisioner.TMPFS_MODE));
            if (t.readOnly()) {
                options.add("ro");
            }
        }
        ArrayNode devices = o.putArray("devices");
        s.devices().forEach(d -> devices.addObject().put("path", d));
        o.putObject("log_configuration").put("driver", "json-file").put("size", bytes(s.logMaxSize()));
        return JSON.writeValueAsBytes(o);
    }

    /** The SDL's {@code NAME=value} entries as a map (the later of two alike wins, as in Docker); a bare name is empty. */
    static Map<String, String> env(Provisioner.Spec s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : s.env()) {
            int eq = e.indexOf('=');
            out.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        return out;
    }

    /** A size as Docker's log options write it ({@code 16m}) in bytes, decimal as the engines read it there. */
    static long bytes(String size) {
        String s = size.strip().toLowerCase(Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1_000L;
            case 'm' -> 1_000_000L;
            case 'g' -> 1_000_000_000L;
            default -> 1L;
        };
        return Math.multiplyExact(Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)), unit);
    }
}
