package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A one-file image for machines that reach no registry: the host's statically linked busybox as {@code /bin/busybox}
 * (with {@code /bin/sh} beside it) and an empty {@code /tmp}, imported into the engine through its API. It is named
 * by the binary's hash, so a second import of the same busybox finds the first. Its services run
 * {@code /bin/busybox APPLET ...} ({@code sh}, {@code httpd}, {@code nc}, ...).
 */
public final class BusyboxImage {
    /** Debian's busybox-static installs it here. */
    public static final Path DEFAULT_BINARY = Path.of("/bin/busybox");

    private BusyboxImage() {}

    /** The image's name in {@code engine}, imported from {@code binary} unless it is there already. */
    public static String ensure(Engine engine, Path binary) throws IOException {
        if (!Files.isRegularFile(binary)) {
            throw new IOException(binary + " does not exist: install a static busybox (apt-get install busybox-static)"
                    + " or name an image the engine has");
        }
        byte[] bytes = Files.readAllBytes(binary);
        String tag = HexFormat.of().formatHex(sha256(bytes), 0, 6);
        String repository = "localhost/vyoma/busybox";
        String name = repository + ":" + tag;
        try {
            engine.api().inspectImageCmd(name).exec();
            return name;
        } catch (NotFoundException e) {
            // not there yet: import it below
        }
        // docker-java's import streams the body in chunks, which Podman's API reads short; a body of known length
        // works.
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                // The reference goes whole in repo: Podman's import ignores tag.
                .path("/v" + Engine.API_VERSION + "/images/create?fromSrc=-&repo="
                        + URLEncoder.encode(name, StandardCharsets.UTF_8))
                .putHeader("Content-Type", "application/x-tar")
                .bodyBytes(rootfs(bytes))
                .build();
        try (DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                        .dockerHost(URI.create(engine.address().uri()))
                        .connectionTimeout(Engine.CONNECT_TIMEOUT)
                        .responseTimeout(Engine.RESPONSE_TIMEOUT)
                        .build();
                DockerHttpClient.Response response = http.execute(request)) {
            String body = new String(response.getBody().readNBytes(4096), StandardCharsets.UTF_8);
            if (response.getStatusCode() / 100 != 2 || body.contains("\"error\"")) {
                throw new IOException("the engine refused to import " + name + ": HTTP " + response.getStatusCode()
                        + " " + body.strip());
            }
        }
        try {
            engine.api().inspectImageCmd(name).exec();
        } catch (NotFoundException e) {
            throw new IOException("the engine imported the image but does not find it as " + name);
        }
        return name;
    }

    private static byte[] rootfs(byte[] busybox) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(busybox.length + 8192);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buffer)) {
            directory(tar, "bin/");
            directory(tar, "tmp/", 01777);
            TarArchiveEntry file = new TarArchiveEntry("bin/busybox");
            file.setMode(0755);
            file.setSize(busybox.length);
            tar.putArchiveEntry(file);
            tar.write(busybox);
            tar.closeArchiveEntry();
            TarArchiveEntry sh = new TarArchiveEntry("bin/sh", TarArchiveEntry.LF_SYMLINK);
            sh.setLinkName("busybox");
            tar.putArchiveEntry(sh);
            tar.closeArchiveEntry();
        }
        return buffer.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        directory(tar, name, 0755);
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry dir = new TarArchiveEntry(name);
        dir.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
        tar.putArchiveEntry(dir);
        tar.closeArchiveEntry();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
