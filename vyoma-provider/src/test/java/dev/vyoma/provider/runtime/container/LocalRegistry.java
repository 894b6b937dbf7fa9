package dev.vyoma.provider.runtime.container;

import dev.vyoma.testkit.ContainerImages;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real private registry for tests: Debian's {@code docker-registry} (the CNCF distribution registry) on a free
 * loopback port, plain HTTP, with htpasswd (bcrypt) basic auth for one user, its storage in a temp directory (a
 * Podman pulls from it with {@link PodmanService#loopbackRegistries}). Stopped at the end. Fails, never skips, when the tools are missing: bin/test installs
 * them.
 */
final class LocalRegistry implements AutoCloseable {
    static final String USER = "alice";
    static final String PASSWORD = "pr1vate-s3cret";

    private final Process process;
    final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRegistry start(Path dir) throws Exception {
        for (String tool : List.of("docker-registry", "htpasswd")) {
            if (ContainerImages.run(List.of("sh", "-c", "command -v " + tool)).code() != 0) {
                throw new IllegalStateException("the private image tests need " + tool
                        + ": apt-get install -y docker-registry apache2-utils (bin/test does)");
            }
        }
        Files.createDirectories(dir);
        ContainerImages.Result hash = ContainerImages.run(List.of("htpasswd", "-Bbn", USER, PASSWORD));
        if (hash.code() != 0) {
            throw new IOException("htpasswd failed: " + hash.output());
        }
        Files.writeString(dir.resolve("htpasswd"), hash.output().strip() + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: DIR/data
                http:
                  addr: 127.0.0.1:PORT
                  secret: vyoma-test-registry
                auth:
                  htpasswd:
                    realm: vyoma-test
                    path: DIR/htpasswd
                """.replace("DIR", dir.toString()).replace("PORT", Integer.toString(port)));
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(p, port);
        Instant until = Instant.now().plusSeconds(30);
        while (registry.status() != 401) {
            if (!p.isAlive() || Instant.now().isAfter(until)) {
                registry.close();
                throw new IllegalStateException(
                        "docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(50);
        }
        return registry;
    }

    /** The status of {@code GET /v2/} without credentials (401 once it serves). */
    private int status() {
        try {
            HttpURLConnection c = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code localhost:PORT/NAME}. */
    String image(String name) {
        return "localhost:" + port + "/" + name;
    }

    /** Pushes local image {@code source} to this registry as {@code name} (not tagged locally). */
    String push(String source, String name) throws Exception {
        String target = image(name);
        ContainerImages.Result r = ContainerImages.run(List.of(
                "podman",
                "push",
                "--tls-verify=false",
                "--creds",
                USER + ":" + PASSWORD,
                source,
                "docker://" + target));
        if (r.code() != 0) {
            throw new IOException("podman push failed: " + r.output());
        }
        return target;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
