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
 * forwarders reach them there), and no restart policy: {@link Reconciler} restarts it, with backoff.
 */
final class Provisioner {
    /** The CFS period; the quota is the SDL's millicores in it (1000m: one CPU). */
    static final long CPU_PERIOD_MICROS = 100_000;
    /** tmpfs mounts are world-writable with the sticky bit, as /tmp (the engine's default is mode 0). */
    private static final int TMPFS_MODE = 01777;

    private final DockerClient api;
    private final ReplicaLimits limits;

    Provisioner(Engine engine, ReplicaLimits limits) {
        this.api = engine.api();
        this.limits = limits;
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

    /** Creates one replica's volumes (unless they exist) and its container, not started; returns its id. */
    String create(LeaseObjects o, String version, LeasePlan.Replica r) {
        List<Mount> mounts = new ArrayList<>();
        for (LeasePlan.Volume v : r.volumes()) {
            String name = o.volume(r.service(), r.index(), v.name());
            try {
                api.inspectVolumeCmd(name).exec();
            } catch (NotFoundException e) {
                api.createVolumeCmd()
                        .withName(name)
                        .withLabels(o.labels(version, r.service(), r.index()))
                        .exec();
            }
            mounts.add(new Mount()
                    .withType(MountType.VOLUME)
                    .withSource(name)
                    .withTarget(v.mount())
                    .withReadOnly(v.readOnly()));
        }
        for (LeasePlan.Tmpfs t : r.tmpfs()) {
            mounts.add(new Mount()
                    .withType(MountType.TMPFS)
                    .withTarget(t.mount())
                    .withReadOnly(t.readOnly())
                    .withTmpfsOptions(
                            new TmpfsOptions().withSizeBytes(t.bytes()).withMode(TMPFS_MODE)));
        }
        List<ExposedPort> exposed = new ArrayList<>();
        Ports published = new Ports();
        for (LeasePlan.Port p : r.ports()) {
            ExposedPort e =
                    new ExposedPort(p.port(), p.proto() == Protocol.UDP ? InternetProtocol.UDP : InternetProtocol.TCP);
            exposed.add(e);
            if (p.published()) {
                published.bind(e, Ports.Binding.bindIp("127.0.0.1"));
            }
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(o.network())
                .withPrivileged(false)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withCpuPeriod(CPU_PERIOD_MICROS)
                .withCpuQuota(r.cpuMillis() * CPU_PERIOD_MICROS / 1000)
                .withMemory(r.memoryBytes())
                .withMemorySwap(r.memoryBytes())
                .withPidsLimit(limits.pids())
                .withUlimits(List.of(
                        new Ulimit("nofile", limits.openFiles(), limits.openFiles()),
                        new Ulimit("nproc", limits.processes(), limits.processes())))
                .withMounts(mounts)
                .withPortBindings(published)
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", limits.logMaxSize())));
        CreateContainerCmd create = api.createContainerCmd(r.image())
                .withName(o.container(version, r.service(), r.index()))
                .withHostName(r.service() + "-" + r.index())
                .withEnv(r.env())
                .withLabels(o.labels(version, r.service(), r.index()))
                .withExposedPorts(exposed)
                .withAliases(r.service())
                .withHostConfig(host);
        if (r.entrypoint() != null) {
            create.withEntrypoint(r.entrypoint());
        }
        if (r.cmd() != null) {
            create.withCmd(r.cmd());
        }
        return create.exec().getId();
    }
}
