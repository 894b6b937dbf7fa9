package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import dev.vyoma.provider.runtime.WorkloadRuntime;
import dev.vyoma.sdl.manifest.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a lease's replicas are doing, read from the engine: each replica's container process, the loopback host
 * port of each published TCP port (what the ingress and the lease manager's forwarders connect to), and whether
 * it is ready: running, and each TCP port it exposes accepts a connection at its address in the lease's network.
 */
final class StatusReader {
    /** How long a readiness probe waits for one port to accept. */
    static final int PROBE_TIMEOUT_MS = 300;

    /** One replica's container as inspected. */
    record Observed(WorkloadRuntime.Replica replica, String containerId, String state, boolean ready) {}

    private final DockerClient api;

    StatusReader(Engine engine) {
        this.api = engine.api();
    }

    /** The container of replica {@code r} of manifest {@code version}, if it has one. */
    Optional<Observed> observe(LeaseObjects o, String version, LeasePlan.Replica r) {
        InspectContainerResponse i;
        try {
            i = api.inspectContainerCmd(o.container(version, r.service(), r.index()))
                    .exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        boolean running = Boolean.TRUE.equals(i.getState().getRunning());
        Map<Integer, Integer> hostPorts = new LinkedHashMap<>();
        Ports ports = i.getNetworkSettings().getPorts();
        if (ports != null) {
            ports.getBindings().forEach((exposed, bindings) -> {
                if (exposed.getProtocol() == InternetProtocol.TCP && bindings != null && bindings.length > 0) {
                    hostPorts.put(exposed.getPort(), Integer.parseInt(bindings[0].getHostPortSpec()));
                }
            });
        }
        ContainerNetwork net = i.getNetworkSettings().getNetworks().get(o.network());
        String ip = net == null ? "" : net.getIpAddress();
        boolean ready = running
                && r.ports().stream().filter(p -> p.proto() == Protocol.TCP).allMatch(p -> accepts(ip, p.port()));
        long pid = running && i.getState().getPidLong() != null ? i.getState().getPidLong() : 0;
        String log = i.getLogPath();
        var replica = new WorkloadRuntime.Replica(
                r.service(),
                r.index(),
                pid,
                hostPorts.isEmpty() ? 0 : hostPorts.values().iterator().next(),
                hostPorts,
                log == null || log.isBlank() ? null : Path.of(log));
        return Optional.of(new Observed(replica, i.getId(), i.getState().getStatus(), ready));
    }

    private static boolean accepts(String ip, int port) {
        if (ip == null || ip.isBlank()) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), PROBE_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
