package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A connection to a container engine that speaks the Docker Engine API (Podman's {@code podman system service},
 * or Docker) over a Unix socket: one client for short calls, whose answers must come within
 * {@link #RESPONSE_TIMEOUT}, and one without a read timeout for log streams, which may stay quiet for hours.
 */
public final class Engine implements AutoCloseable {
    /** The API version asked for: Podman 4 serves 1.41, and Docker 20.10 and later do too. */
    public static final String API_VERSION = "1.41";

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest wait for an answer to a call (an image pull streams progress, so it keeps answering). */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);
    /** Connections per client; log followers are capped below this ({@link ContainerLogs#MAX_FOLLOWERS}). */
    public static final int MAX_CONNECTIONS = 64;

    private final EngineAddress address;
    private final DockerClient api;
    private final DockerClient streams;

    private Engine(EngineAddress address, DockerClient api, DockerClient streams) {
        this.address = address;
        this.api = api;
        this.streams = streams;
    }

    /** Connects and checks that the engine answers; the exception says how to start one if it does not. */
    public static Engine connect(EngineAddress address) throws IOException {
        DockerClient api = client(address, RESPONSE_TIMEOUT);
        try {
            api.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(api);
            throw new IOException("no container engine answers at " + address + " (" + oneLine(e)
                    + "); start one, e.g. podman --cgroup-manager=cgroupfs --runtime runc system service --time=0 "
                    + address.uri());
        }
        return new Engine(address, api, client(address, null));
    }

    private static DockerClient client(EngineAddress address, Duration responseTimeout) {
        URI host = URI.create(address.uri());
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(address.uri())
                .withApiVersion(API_VERSION)
                .withDockerTlsVerify(false)
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(CONNECT_TIMEOUT);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }

    public EngineAddress address() {
        return address;
    }

    /** The client for calls that answer promptly. */
    DockerClient api() {
        return api;
    }

    /** The client for log streams, with no read timeout. */
    DockerClient streams() {
        return streams;
    }

    /** The first line of an engine failure, for messages ({@code DockerException}s carry the whole HTTP body). */
    static String oneLine(Throwable e) {
        return oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** The first line of an engine's message; of docker-java's "Status 404: {json}", the engine's own words. */
    static String oneLine(String message) {
        String m = message.strip();
        int i = m.indexOf("\"message\":\"");
        if (i >= 0) {
            int end = m.indexOf('"', i + 11);
            m = m.substring(i + 11, end < 0 ? m.length() : end);
        }
        return m.lines().findFirst().orElse("").replaceAll("\\s+", " ").strip();
    }

    @Override
    public void close() {
        closeQuietly(api);
        closeQuietly(streams);
    }

    private static void closeQuietly(DockerClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // Closing a client whose engine is gone has nothing left to release.
        }
    }
}
