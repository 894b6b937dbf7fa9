package dev.vyoma.ledger.codec;

import java.util.Arrays;

/**
 * A growable byte buffer that {@link Codec} writes into: big-endian integers, length-prefixed byte
 * strings. Not thread-safe and not synchronized (unlike {@code ByteArrayOutputStream}); a single writer
 * may keep one and {@link #reset()} it between values so that encoding allocates nothing.
 */
public final class ByteSink {
    private byte[] buf;
    private int size;

    /** A sink with room for {@code capacity} bytes before it grows. */
    public ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Forgets what was written; the buffer is kept. */
    public void reset() {
        size = 0;
    }

    /** How many bytes were written since the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** The internal buffer; its first {@link #size()} bytes are the content. Valid until the next write. */
    public byte[] array() {
        return buf;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Appends the low 8 bits of {@code b}. */
    public void write(int b) {
        if (size == buf.length) {
            grow(1);
        }
        buf[size++] = (byte) b;
    }

    /** Appends {@code v} as four bytes, most significant first. */
    public void i32(int v) {
        ensure(4);
        byte[] b = buf;
        int s = size;
        b[s] = (byte) (v >>> 24);
        b[s + 1] = (byte) (v >>> 16);
        b[s + 2] = (byte) (v >>> 8);
        b[s + 3] = (byte) v;
        size = s + 4;
    }

    /** Appends {@code v} as eight bytes, most significant first. */
    public void i64(long v) {
        i32((int) (v >>> 32));
        i32((int) v);
    }

    /** Appends {@code len} bytes of {@code src} from {@code off}, with no length prefix. */
    public void raw(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    /** Appends a byte string: its length as {@link #i32}, then the bytes. */
    public void bytes(byte[] b) {
        i32(b.length);
        raw(b, 0, b.length);
    }

    /** Overwrites four bytes at {@code at} with {@code v}, most significant first (a length patched in later). */
    public void patchI32(int at, int v) {
        if (at < 0 || at + 4 > size) {
            throw new IndexOutOfBoundsException("patch at " + at + " of " + size + " bytes");
        }
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** Makes room for {@code n} more bytes; returns the offset where they go (the current size). */
    int ensure(int n) {
        if (n > buf.length - size) {
            grow(n);
        }
        return size;
    }

    /** Marks {@code n} bytes written directly into {@link #array()} after {@link #ensure}. */
    void advance(int n) {
        size += n;
    }

    private void grow(int n) {
        long wanted = Math.max((long) buf.length * 2, (long) size + n);
        if (wanted > Integer.MAX_VALUE - 16) {
            throw new CodecException("value too large to encode");
        }
        buf = Arrays.copyOf(buf, (int) wanted);
    }
}
