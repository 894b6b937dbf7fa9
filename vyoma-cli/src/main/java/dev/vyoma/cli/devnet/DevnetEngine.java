package dev.vyoma.cli.devnet;

import dev.vyoma.cli.common.UserException;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.runtime.container.Engine;
import dev.vyoma.provider.runtime.container.EngineAddress;
import dev.vyoma.provider.runtime.container.PodmanService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a devnet's providers run leases. With {@code auto}: in containers on an engine that answers already
 * ({@code DOCKER_HOST}, then the usual Podman and Docker sockets); else, when Podman is installed, in containers on
 * a Podman API service the devnet starts itself, on a socket in its home, and stops when it stops; else as local
 * processes. {@code container} insists on containers and says why there are none; {@code process} never tries.
 */
public final class DevnetEngine implements AutoCloseable {
    /** How {@code --runtime} is spelled. */
    public enum Mode {
        auto,
        container,
        process
    }

    private final ProviderConfig.Runtime runtime;
    private final Optional<EngineAddress> address;
    private final String description;
    private final PodmanService started;

    private DevnetEngine(
            ProviderConfig.Runtime runtime,
            Optional<EngineAddress> address,
            String description,
            PodmanService started) {
        this.runtime = runtime;
        this.address = address;
        this.description = description;
        this.started = started;
    }

    /**
     * Chooses (and, when it must, starts) the engine for the devnet in {@code home}; {@code inference}: the devnet
     * runs inference workers, which are local JVMs of the process runtime, so {@code auto} picks processes.
     */
    public static DevnetEngine choose(Mode mode, Path home, boolean inference) {
        if (mode == Mode.process) {
            return process("processes (--runtime process)");
        }
        if (mode == Mode.auto && inference) {
            return process("processes (--inference runs its workers as local processes)");
        }
        Optional<EngineAddress> found = EngineAddress.discover(Optional.empty());
        String why;
        if (found.isPresent() && answers(found.get())) {
            return new DevnetEngine(
                    ProviderConfig.Runtime.CONTAINER,
                    found,
                    "containers on " + found.get().uri(),
                    null);
        }
        if (PodmanService.podman().isEmpty()) {
            why = found.map(a -> "no engine answers at " + a.uri() + " and ").orElse("no container engine runs and ")
                    + "podman is not installed";
        } else {
            Path dir = home.resolve("podman").toAbsolutePath().normalize();
            Path socket = dir.resolve("podman.sock");
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > EngineAddress.MAX_SOCKET_PATH_BYTES) {
                why = "the socket path " + socket + " is over " + EngineAddress.MAX_SOCKET_PATH_BYTES
                        + " bytes (choose a shorter --home)";
            } else {
                try {
                    // Its own registries.conf: images pushed to a registry on loopback come over plain HTTP.
                    PodmanService podman = PodmanService.start(socket, dir, PodmanService.loopbackRegistries(dir));
                    return new DevnetEngine(
                            ProviderConfig.Runtime.CONTAINER,
                            Optional.of(podman.address()),
                            "containers on " + podman.address().uri() + " (podman started by the devnet)",
                            podman);
                } catch (IOException e) {
                    why = "podman system service did not start: " + e.getMessage();
                }
            }
        }
        if (mode == Mode.container) {
            throw new UserException("--runtime container: " + why);
        }
        return process("processes (" + why + ")");
    }

    private static DevnetEngine process(String description) {
        return new DevnetEngine(ProviderConfig.Runtime.PROCESS, Optional.empty(), description, null);
    }

    private static boolean answers(EngineAddress address) {
        try (Engine e = Engine.connect(address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code config} set to run its leases here. */
    ProviderConfig apply(ProviderConfig config) {
        return config.withRuntime(runtime, address);
    }

    /** The engine's address; empty when leases run as processes. */
    public Optional<EngineAddress> address() {
        return address;
    }

    /** Where leases run, in words, for the startup table. */
    public String description() {
        return description;
    }

    /** Stops the Podman service if the devnet started it (after its providers stopped their containers). */
    @Override
    public void close() {
        if (started != null) {
            started.close();
        }
    }
}
