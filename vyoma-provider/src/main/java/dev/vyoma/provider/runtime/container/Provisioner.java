package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.Ulimit;
import dev.vyoma.sdl.manifest.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates a lease's objects in the engine from its plan: the network (isolated from every other lease's), and per
 * replica its named volumes and its container (its image is there: {@link ImagePuller} got it). A container gets exactly the
 * plan: no host mounts, no extra capabilities, never privileged, no new privileges, no swap, its CPU quota,
 * memory, pids and ulimits, its global ports published on loopback only (the ingress and the lease manager's
 * forwarders reach them there), the provider's stop grace (whoever stops it, SIGKILL follows the stop signal after
 * it), and no restart policy: {@link Reconciler} restarts it, with backoff. A replica
 * with GPUs also gets them as CDI devices, which only Podman's own API can pass ({@link LibpodSpec}); both
 * requests are written from one {@link Spec}.
 */
final class Provisioner {
    /** The CFS period; the quota is the SDL's millicores in it (1000m: one CPU). */
    static final long CPU_PERIOD_MICROS = 100_000;
    /** Published ports listen here only: the ingress and the lease manager's forwarders reach them there. */
    static final String LOOPBACK = "127.0.0.1";
    /** tmpfs mounts are world-writable with the sticky bit, as /tmp (the engine's default is mode 0). */
    static final int TMPFS_MODE = 01777;

    private final Engine engine;
    private final DockerClient api;
    private final ReplicaLimits limits;
    private final int stopGraceSeconds;

    /** {@code stopGrace}: what each container has between its stop signal and SIGKILL, whoever stops it. */
    Provisioner(Engine engine, ReplicaLimits limits, java.time.Duration stopGrace) {
        ContainerRuntime.Settings.checkStopGrace(stopGrace);
        this.engine = engine;
        this.api = engine.api();
        this.limits = limits;
        this.stopGraceSeconds = Math.toIntExact(stopGrace.toSeconds());
    }

    /** Creates the lease's network unless it exists. */
    void network(LeaseObjects o, String version) {
        if (api.listNetworksCmd().withNameFilter(o.network()).exec().stream()
                .anyMatch(n -> n.getName().equals(o.network()))) {
            return;
        }
        // Podman isolates networks made through this API from each other ("isolate"); Docker's bridges always are.
        api.createNetworkCmd()
                .withName(o.network())
                .withDriver("bridge")
                .withCheckDuplicate(true)
                .withOptions(Map.of("isolate", "true"))
                .withLabels(o.labels(version))
                .exec();
    }

    /**
     * Everything a replica's container is made with, derived once from its plan: both the Docker API request and
     * Podman's libpod spec are written from this, so they cannot disagree.
     */
    record Spec(
            String name,
            String hostname,
            String image,
            Map<String, String> labels,
            List<String> entrypoint,
            List<String> cmd,
            List<String> env,
            String network,
            String alias,
            long cpuQuotaMicros,
            long memoryBytes,
            long pids,
            long openFiles,
            long processes,
            String logMaxSize,
            List<Mount> volumes,
            List<LeasePlan.Tmpfs> tmpfs,
            List<LeasePlan.Port> ports,
            List<String> devices,
            int stopGraceSeconds) {}

    /** The container of replica {@code r} of version {@code version} of the lease with objects {@code o}. */
    Spec spec(LeaseObjects o, String version, LeasePlan.Replica r) {
        List<Mount> volumes = new ArrayList<>();
        for (LeasePlan.Volume v : r.volumes()) {
            volumes.add(new Mount()
                    .withType(MountType.VOLUME)
                    .withSource(o.volume(r.service(), r.index(), v.name()))
                    .withTarget(v.mount())
                    .withReadOnly(v.readOnly()));
        }
        return new Spec(
                o.container(version, r.service(), r.index()),
                r.service() + "-" + r.index(),
                r.image(),
                o.labels(version, r.service(), r.index()),
                r.entrypoint(),
                r.cmd(),
                r.env(),
                o.network(),
                r.service(),
                r.cpuMillis() * CPU_PERIOD_MICROS / 1000,
                r.memoryBytes(),
                limits.pids(),
                limits.openFiles(),
                limits.processes(),
                limits.logMaxSize(),
                volumes,
                r.tmpfs(),
                r.ports(),
                r.gpus().devices(),
                stopGraceSeconds);
    }

    /** Whether this engine can be handed CDI devices (GPUs): Podman can, through its libpod API. */
    boolean takesCdiDevices() {
        return engine.podman();
    }

    /** Creates one replica's volumes (unless they exist) and its container, not started; returns its id. */
    String create(LeaseObjects o, String version, LeasePlan.Replica r) {
        Spec spec = spec(o, version, r);
        for (Mount v : spec.volumes()) {
            try {
                api.inspectVolumeCmd(v.getSource()).exec();
            } catch (NotFoundException e) {
                api.createVolumeCmd()
                        .withName(v.getSource())
                        .withLabels(spec.labels())
                        .exec();
            }
        }
        if (!spec.devices().isEmpty()) {
            // Docker's API cannot pass CDI devices to Podman 4 (see docs/provider.md); its own API can.
            return engine.libpodCreate(LibpodSpec.json(spec));
        }
        return compat(spec).exec().getId();
    }

    /** The Docker API request for {@code spec} (it has no devices). */
    private CreateContainerCmd compat(Spec spec) {
        List<Mount> mounts = new ArrayList<>(spec.volumes());
        for (LeasePlan.Tmpfs t : spec.tmpfs()) {
            mounts.add(new Mount()
                    .withType(MountType.TMPFS)
                    .withTarget(t.mount())
                    .withReadOnly(t.readOnly())
                    .withTmpfsOptions(
                            new TmpfsOptions().withSizeBytes(t.bytes()).withMode(TMPFS_MODE)));
        }
        List<ExposedPort> exposed = new ArrayList<>();
        Ports published = new Ports();
        for (LeasePlan.Port p : spec.ports()) {
            ExposedPort e =
                    new ExposedPort(p.port(), p.proto() == Protocol.UDP ? InternetProtocol.UDP : InternetProtocol.TCP);
            exposed.add(e);
            if (p.published()) {
                published.bind(e, Ports.Binding.bindIp(LOOPBACK));
            }
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(spec.network())
                .withPrivileged(false)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withCpuPeriod(CPU_PERIOD_MICROS)
                .withCpuQuota(spec.cpuQuotaMicros())
                .withMemory(spec.memoryBytes())
                .withMemorySwap(spec.memoryBytes())
                .withPidsLimit(spec.pids())
                .withUlimits(List.of(
                        new Ulimit("nofile", spec.openFiles(), spec.openFiles()),
                        new Ulimit("nproc", spec.processes(), spec.processes())))
                .withMounts(mounts)
                .withPortBindings(published)
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", spec.logMaxSize())));
        CreateContainerCmd create = api.createContainerCmd(spec.image())
                .withName(spec.name())
                .withHostName(spec.hostname())
                .withEnv(spec.env())
                .withLabels(spec.labels())
                .withExposedPorts(exposed)
                .withAliases(spec.alias())
                .withStopTimeout(spec.stopGraceSeconds())
                .withHostConfig(host);
        if (spec.entrypoint() != null) {
            create.withEntrypoint(spec.entrypoint());
        }
        if (spec.cmd() != null) {
            create.withCmd(spec.cmd());
        }
        return create;
    }
}
