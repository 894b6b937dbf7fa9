package dev.vyoma.cli.deploy;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes (a remote command's output) written to one of the CLI's writers as UTF-8 text, as they come: a character
 * split between two writes is decoded once its last byte arrives; bytes that are not UTF-8 print as U+FFFD.
 */
final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** The bytes of a character begun but not ended (at most 3). */
    private final ByteBuffer pending = ByteBuffer.allocate(4 + 16 * 1024);

    private final CharBuffer chars = CharBuffer.allocate(16 * 1024 + 8);

    WriterStream(PrintWriter writer) {
        this.writer = writer;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, pending.remaining());
            pending.put(b, off + done, n);
            done += n;
            pending.flip();
            decoder.decode(pending, chars, false);
            pending.compact();
            chars.flip();
            writer.append(chars);
            chars.clear();
        }
    }

    @Override
    public synchronized void flush() {
        writer.flush();
    }

    @Override
    public synchronized void close() {
        pending.flip();
        decoder.decode(pending, chars, true);
        decoder.flush(chars);
        chars.flip();
        writer.append(chars);
        chars.clear();
        pending.clear();
        writer.flush();
    }
}
