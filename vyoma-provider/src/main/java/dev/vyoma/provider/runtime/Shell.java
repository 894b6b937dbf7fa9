package dev.vyoma.provider.runtime;

import java.io.IOException;
import java.util.List;

/**
 * A command run in one replica of a lease, as {@code kubectl exec} runs one in a pod: made by
 * {@link WorkloadRuntime#shell} for a replica that exists and runs, started by {@link #start}, fed by
 * {@link #write}, read by {@link #pump} until it ends with its exit code, and stopped (its process killed) by
 * {@link #close} if it has not ended. Not thread-safe except that {@link #write}, {@link #resize} and {@link #close}
 * may be called while another thread pumps.
 */
public interface Shell extends AutoCloseable {
    /**
     * What to run: the replica ({@code service} empty: the lease's only service), the command and its arguments
     * (run as they are, without a shell), whether the command reads the caller's stdin, and whether it gets a
     * terminal (then its stdout and stderr are one stream).
     */
    record Request(String service, int replica, List<String> command, boolean stdin, boolean tty) {
        public Request {
            command = List.copyOf(command);
        }
    }

    /** Where a command's output goes: {@code stream} 1 is stdout, 2 stderr. */
    interface Output {
        void write(int stream, byte[] bytes, int offset, int length) throws IOException;
    }

    /** Why a shell cannot be had; {@link #reason} tells the gateway which answer to give. */
    final class Refused extends Exception {
        /** The kinds of refusal. */
        public enum Reason {
            /** The runtime cannot run commands in replicas (the process runtime). */
            NOT_SUPPORTED,
            /** No such service or replica in the lease. */
            NO_SUCH_REPLICA,
            /** The replica exists but does not run now. */
            NOT_RUNNING
        }

        private final Reason reason;

        public Refused(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** Starts the command; its output waits for {@link #pump}. */
    void start() throws IOException;

    /** Hands {@code bytes} to the command's stdin (ignored if it does not read stdin). */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Closes the command's stdin: it reads end of file. */
    void closeStdin() throws IOException;

    /** Tells the command's terminal its new size (ignored without a terminal). */
    void resize(int columns, int rows) throws IOException;

    /** Passes the command's output to {@code out} until it ends; returns its exit code. */
    int pump(Output out) throws IOException;

    /** Stops the command if it still runs (its process is killed) and frees what it holds. Idempotent. */
    @Override
    void close();
}
