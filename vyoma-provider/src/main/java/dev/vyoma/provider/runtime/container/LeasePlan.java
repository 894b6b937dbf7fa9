package dev.vyoma.provider.runtime.container;

import dev.vyoma.sdl.manifest.Protocol;
import java.util.List;

/**
 * What runs for one lease, as {@link ManifestPlanner} derived it from the manifest: every value bounded and
 * checked, so the code that creates containers reads no manifest. {@code version} is the manifest's version hash.
 */
public record LeasePlan(String lease, String version, List<Replica> replicas) {
    public LeasePlan {
        replicas = List.copyOf(replicas);
    }

    /** Whether a replica of this plan asks for GPUs. */
    public boolean wantsGpus() {
        return replicas.stream().anyMatch(r -> r.gpus().units() > 0);
    }

    /**
     * One container: the SDL's image (and its registry credentials, {@code null} if public), its {@code command}
     * as the entrypoint and {@code args} as the command ({@code null}: the image's own), its env, and its limits. {@code memoryBytes} includes its {@code ram}
     * volumes, which live in its memory as in Akash.
     */
    public record Replica(
            String service,
            int index,
            String image,
            Auth auth,
            List<String> entrypoint,
            List<String> cmd,
            List<String> env,
            long cpuMillis,
            long memoryBytes,
            List<Tmpfs> tmpfs,
            List<Volume> volumes,
            List<Port> ports,
            Gpus gpus) {
        public Replica {
            entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
            cmd = cmd == null ? null : List.copyOf(cmd);
            env = List.copyOf(env);
            tmpfs = List.copyOf(tmpfs);
            volumes = List.copyOf(volumes);
            ports = List.copyOf(ports);
        }

        /** This replica with the GPUs {@code devices} (CDI names) handed to it. */
        Replica withGpus(List<String> devices) {
            return new Replica(
                    service,
                    index,
                    image,
                    auth,
                    entrypoint,
                    cmd,
                    env,
                    cpuMillis,
                    memoryBytes,
                    tmpfs,
                    volumes,
                    ports,
                    new Gpus(gpus.units(), gpus.attributes(), devices));
        }
    }

    /**
     * The GPUs of one replica: how many its profile asks for, of which kinds (the SDL's attribute keys, such as
     * {@code vendor/nvidia/model/h100}; none: any), and the CDI devices ({@code nvidia.com/gpu=0}) it was given, as
     * many as {@code units} once {@link GpuAllocator} assigned them, none before.
     */
    public record Gpus(int units, List<String> attributes, List<String> devices) {
        public static final Gpus NONE = new Gpus(0, List.of(), List.of());

        public Gpus {
            attributes = List.copyOf(attributes);
            devices = List.copyOf(devices);
            if (units < 0 || (!devices.isEmpty() && devices.size() != units)) {
                throw new IllegalArgumentException("a replica asking for " + units + " GPUs got " + devices);
            }
        }
    }

    /**
     * The SDL's {@code credentials} for a private image: the registry (as the image names it), user and password,
     * handed to the engine for the pull only. Its text never shows the password.
     */
    public record Auth(String registry, String username, String password) {
        @Override
        public String toString() {
            return "Auth[registry=" + registry + ", username=" + username + ", password=***]";
        }
    }

    /** A port the container listens on; {@code published}: on a loopback host port, for the ingress or a forwarder. */
    public record Port(int port, Protocol proto, boolean published) {}

    /** A {@code ram} volume: a tmpfs of {@code bytes} at {@code mount}. */
    public record Tmpfs(String mount, long bytes, boolean readOnly) {}

    /** A persistent volume (SDL name {@code name}), kept per lease, service and replica. */
    public record Volume(String name, String mount, boolean readOnly) {}
}
