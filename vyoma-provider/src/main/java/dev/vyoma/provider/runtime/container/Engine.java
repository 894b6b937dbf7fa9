package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
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

    /** The libpod API version asked for: Podman 4.0 and later serve it. */
    public static final String LIBPOD_VERSION = "v4.0.0";

    private final EngineAddress address;
    private final DockerClient api;
    private final DockerClient streams;
    private final DockerHttpClient http;
    private final boolean podman;

    private Engine(EngineAddress address, DockerClient api, DockerClient streams, DockerHttpClient http) {
        this.address = address;
        this.api = api;
        this.streams = streams;
        this.http = http;
        this.podman = answers(http, "/" + LIBPOD_VERSION + "/libpod/_ping");
    }

    /** Connects and checks that the engine answers; the exception says how to start one if it does not. */
    public static Engine connect(EngineAddress address) throws IOException {
        DockerHttpClient http = http(address, RESPONSE_TIMEOUT);
        DockerClient api = client(address, http);
        try {
            api.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(api);
            throw new IOException("no container engine answers at " + address + " (" + oneLine(e)
                    + "); start one, e.g. podman --cgroup-manager=cgroupfs --runtime runc system service --time=0 "
                    + address.uri());
        }
        return new Engine(address, api, client(address, http(address, null)), http);
    }

    private static DockerClient client(EngineAddress address, DockerHttpClient http) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(address.uri())
                .withApiVersion(API_VERSION)
                .withDockerTlsVerify(false)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    private static DockerHttpClient http(EngineAddress address, Duration responseTimeout) {
        URI host = URI.create(address.uri());
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(CONNECT_TIMEOUT);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return http.build();
    }

    /** Whether a GET of {@code path} answers 200. */
    private static boolean answers(DockerHttpClient http, String path) {
        DockerHttpClient.Request get = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path(path)
                .build();
        try (DockerHttpClient.Response r = http.execute(get)) {
            return r.getStatusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the engine is Podman, which serves its own (libpod) API beside Docker's: containers that need what
     * Docker's API cannot say to Podman (CDI devices) are created through it.
     */
    boolean podman() {
        return podman;
    }

    /**
     * Creates a container through Podman's libpod API from {@code spec} (its SpecGenerator, as JSON) and returns
     * its id; an engine that refuses it throws, with the engine's message.
     */
    String libpodCreate(byte[] spec) {
        if (!podman) {
            throw new IllegalStateException("the engine at " + address + " is not Podman: it has no libpod API");
        }
        DockerHttpClient.Request post = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/" + LIBPOD_VERSION + "/libpod/containers/create")
                .putHeader("Content-Type", "application/json")
                .bodyBytes(spec)
                .build();
        try (DockerHttpClient.Response r = http.execute(post)) {
            byte[] body = r.getBody().readNBytes(MAX_ANSWER_BYTES);
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
            if (r.getStatusCode() != 201 && r.getStatusCode() != 200) {
                throw new com.github.dockerjava.api.exception.DockerException(
                        "libpod create: " + oneLine(text), r.getStatusCode());
            }
            String id = ID_JSON.readTree(body).path("Id").asString("");
            if (!id.matches("[0-9a-f]{12,64}")) {
                throw new IllegalStateException("libpod create answered no container id: " + oneLine(text));
            }
            return id;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("libpod create: " + e.getMessage(), e);
        }
    }

    /** The most of an engine's answer to a create that is read. */
    private static final int MAX_ANSWER_BYTES = 64 << 10;

    private static final tools.jackson.databind.json.JsonMapper ID_JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

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
