package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import dev.vyoma.provider.runtime.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A command in a running container, as {@code docker exec} runs one: an exec session of the engine (never
 * privileged, as the container's user), attached through {@link ExecStream}. Output frames are split into stdout
 * and stderr (with a terminal they are one raw stream); the exit code is the engine's once the output ends.
 * Closing a command that still runs kills its process and the processes it started, found on this host from the
 * pid the engine reports, and only if that process is in the container's cgroup.
 */
final class ContainerShell implements Shell {
    /** The longest wait, after the output ended, for the engine to report the exit code. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(5);
    /** Output is passed on in pieces of at most this many bytes. */
    static final int CHUNK_BYTES = 16 * 1024;

    private final DockerClient api;
    private final EngineAddress address;
    private final String containerId;
    private final Shell.Request request;
    private volatile String execId;
    private volatile ExecStream stream;
    private volatile boolean ended;
    private volatile boolean closed;
    /** The terminal size asked for before the command started, as {columns, rows}; applied once it starts. */
    private volatile int[] size;

    ContainerShell(Engine engine, String containerId, Shell.Request request) {
        this.api = engine.api();
        this.address = engine.address();
        this.containerId = containerId;
        this.request = request;
    }

    @Override
    public void start() throws IOException {
        try {
            execId = api.execCreateCmd(containerId)
                    .withCmd(request.command().toArray(String[]::new))
                    .withAttachStdin(request.stdin())
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .withTty(request.tty())
                    .withPrivileged(false)
                    .exec()
                    .getId();
        } catch (RuntimeException e) {
            throw new IOException("the engine cannot run the command: " + Engine.oneLine(e), e);
        }
        stream = ExecStream.start(address, execId, request.tty());
        if (closed) {
            close();
            return;
        }
        int[] asked = size;
        if (asked != null) {
            resize(asked[0], asked[1]);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (request.stdin() && stream != null) {
            stream.write(bytes, offset, length);
        }
    }

    @Override
    public void closeStdin() throws IOException {
        if (request.stdin() && stream != null) {
            stream.closeStdin();
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        if (!request.tty()) {
            return;
        }
        size = new int[] {columns, rows};
        if (stream == null) {
            return;
        }
        try {
            api.resizeExecCmd(execId).withSize(rows, columns).exec();
        } catch (RuntimeException e) {
            throw new IOException("the engine cannot resize the terminal: " + Engine.oneLine(e), e);
        }
    }

    @Override
    public int pump(Output out) throws IOException {
        InputStream in = stream.output();
        byte[] buf = new byte[CHUNK_BYTES];
        if (request.tty()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(1, buf, 0, n);
            }
        } else {
            // Docker's multiplexed stream: a frame is [stream, 0, 0, 0, size (4 bytes, big-endian)] and its payload.
            byte[] header = new byte[8];
            while (in.readNBytes(header, 0, 8) == 8) {
                int target = header[0] == 2 ? 2 : 1;
                long left = ((header[4] & 0xffL) << 24)
                        | ((header[5] & 0xff) << 16)
                        | ((header[6] & 0xff) << 8)
                        | (header[7] & 0xff);
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new IOException("the engine's output stream ended inside a frame");
                    }
                    out.write(target, buf, 0, n);
                    left -= n;
                }
            }
        }
        return exitCode();
    }

    /** The command's exit code, once the engine has it. */
    private int exitCode() throws IOException {
        long until = System.nanoTime() + EXIT_WAIT.toNanos();
        while (true) {
            InspectExecResponse exec = inspect();
            if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
                ended = true;
                return (int) (long) exec.getExitCodeLong();
            }
            if (System.nanoTime() > until) {
                throw new IOException("the command's output ended but the engine reports no exit code");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the command's exit code", e);
            }
        }
    }

    private InspectExecResponse inspect() throws IOException {
        try {
            return api.inspectExecCmd(execId).exec();
        } catch (RuntimeException e) {
            throw new IOException("the engine cannot say how the command ended: " + Engine.oneLine(e), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (!ended && execId != null) {
                kill();
            }
        } finally {
            ExecStream s = stream;
            if (s != null) {
                s.close();
            }
        }
    }

    /** Kills the command's process and its descendants, if the engine says it runs and it is in the container. */
    private void kill() {
        long pid;
        try {
            InspectExecResponse exec = inspect();
            if (!Boolean.TRUE.equals(exec.isRunning()) || exec.getPidLong() == null) {
                return;
            }
            pid = exec.getPidLong();
        } catch (IOException e) {
            return;
        }
        if (pid <= 1 || !inContainer(pid)) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** Whether process {@code pid} of this host is in this container's cgroup (its path holds the container id). */
    private boolean inContainer(long pid) {
        try {
            Path cgroup = Path.of("/proc", Long.toString(pid), "cgroup");
            return Files.size(cgroup) < 64 * 1024 && Files.readString(cgroup).contains(containerId);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
