package dev.vyoma.client;

/**
 * The lease shell's WebSocket messages, as Akash's lease-shell numbers them: each binary message is one code byte
 * and its payload. From the provider: {@link #STDOUT} and {@link #STDERR} (the command's output),
 * {@link #RESULT} (its exit code, as {@code {"exit_code":N}}) or {@link #FAILURE} (why it did not run to its end, in
 * UTF-8), then the close. From the tenant: {@link #STDIN} (an empty payload ends the command's stdin) and
 * {@link #RESIZE} (columns and rows, two bytes each, big-endian).
 */
public final class LeaseShellFrames {
    public static final byte STDOUT = 100;
    public static final byte STDERR = 101;
    public static final byte RESULT = 102;
    public static final byte FAILURE = 103;
    public static final byte STDIN = 104;
    public static final byte RESIZE = 105;

    private LeaseShellFrames() {}

    /** A message: {@code code} then {@code length} bytes of {@code payload} from {@code offset}. */
    public static byte[] frame(byte code, byte[] payload, int offset, int length) {
        byte[] m = new byte[length + 1];
        m[0] = code;
        System.arraycopy(payload, offset, m, 1, length);
        return m;
    }
}
