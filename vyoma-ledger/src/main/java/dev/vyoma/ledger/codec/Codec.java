package dev.vyoma.ledger.codec;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Canonical encoding of ledger values by their declared types. A record is its components in
 * declaration order; a sealed interface is the variant's simple name then the variant; a reference that
 * may be absent carries a presence byte; lists carry their length; integers are big-endian fixed width;
 * strings UTF-8 with a length; {@link BigDecimal} its scale and unscaled value. Decoding is the exact
 * inverse and rejects trailing bytes, so one value has exactly one encoding.
 *
 * <p>Changing a record's components changes the encoding: ledger types are versioned by the
 * transaction and snapshot format versions, not silently.
 */
public final class Codec {
    /** Longest list or byte string decoded, guarding against hostile lengths. */
    public static final int MAX_LENGTH = 1 << 24;

    /**
     * The one scale a decimal is written with: every amount on the ledger carries 18 decimal places (as
     * Cosmos' {@code DecCoin}). Any other scale is refused before a value is built, since a hostile scale
     * (say −60,000,000) turns a few bytes into millions of digits the moment anything rescales it.
     */
    public static final int DECIMAL_SCALE = 18;

    /** Longest unscaled value of a decimal, in bytes: 2^255 units of 10^-18, far beyond any supply. */
    public static final int MAX_DECIMAL_BYTES = 32;

    private static final Map<Class<?>, RecordShape> SHAPES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Class<?>[]> VARIANTS = new ConcurrentHashMap<>();

    private Codec() {}

    /** Encodes {@code value} as declared type {@code type}. */
    public static byte[] encode(Object value, Type type) {
        ByteSink out = new ByteSink(128);
        write(out, value, type);
        return out.toByteArray();
    }

    /** Encodes a record or sealed value by its runtime class. */
    public static byte[] encode(Object value) {
        return encode(value, value.getClass());
    }

    /**
     * Appends the encoding of {@code value} as declared type {@code type} to {@code out}; the same bytes as
     * {@link #encode(Object, Type)}, without allocating a result.
     */
    public static void write(ByteSink out, Object value, Type type) {
        writer(type).write(out, value);
    }

    /** The encoder of declared type {@code type}, looked up once, for callers that encode many values of it. */
    public static Encoder encoder(Type type) {
        Writer w = writer(type);
        return w::write;
    }

    /** Writes values of one declared type; the same bytes as {@link Codec#write(ByteSink, Object, Type)}. */
    @FunctionalInterface
    public interface Encoder {
        /** Appends the encoding of {@code value} to {@code out}. */
        void write(ByteSink out, Object value);
    }

    /** Decodes bytes produced by {@link #encode(Object, Type)}; trailing bytes are an error. */
    // The caller names the decoded type through {@code type}; T only saves it a cast.
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    public static <T> T decode(byte[] bytes, Type type) {
        In in = new In(bytes);
        Object v = read(in, type);
        if (in.pos != bytes.length) {
            throw new CodecException("trailing bytes after value: " + (bytes.length - in.pos));
        }
        return (T) v;
    }

    /** A value decoded from the middle of a byte array, and the offset just past it. */
    public record Decoded<T>(T value, int end) {}

    /**
     * Decodes one value of declared type {@code type} starting at {@code offset}, for formats that place
     * several encodings one after another; the caller checks what follows.
     */
    @SuppressWarnings("unchecked")
    public static <T> Decoded<T> decodeAt(byte[] bytes, int offset, Type type) {
        if (offset < 0 || offset > bytes.length) {
            throw new CodecException("offset " + offset + " outside " + bytes.length + " bytes");
        }
        In in = new In(bytes);
        in.pos = offset;
        Object v = read(in, type);
        return new Decoded<>((T) v, in.pos);
    }

    // ----- encoding: one writer per declared type, built once -----

    /** Writes a value of one declared type: for a reference type its presence byte, then its body. */
    @FunctionalInterface
    private interface Writer {
        void write(ByteSink out, Object v);
    }

    private static final Map<Type, Writer> WRITERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Writer> BODIES = new ConcurrentHashMap<>();

    private static Writer writer(Type type) {
        Writer w = WRITERS.get(type);
        if (w == null) {
            // Built outside the map's lock: building a record's writer looks up its components' writers.
            w = buildWriter(type);
            Writer raced = WRITERS.putIfAbsent(type, w);
            if (raced != null) {
                w = raced;
            }
        }
        return w;
    }

    /** The writer of a record's components, in declaration order, without a presence byte. */
    private static Writer body(Class<?> record) {
        Writer w = BODIES.get(record);
        if (w == null) {
            if (!record.isRecord()) {
                throw new CodecException("cannot encode " + record.getName() + ": not a record");
            }
            w = ByteRecord.class.isAssignableFrom(record) ? Codec::writeByteRecord : recordBody(record);
            Writer raced = BODIES.putIfAbsent(record, w);
            if (raced != null) {
                w = raced;
            }
        }
        return w;
    }

    private static Writer buildWriter(Type type) {
        Class<?> raw = raw(type);
        if (raw == long.class) {
            return (out, v) -> out.i64((Long) v);
        } else if (raw == int.class) {
            return (out, v) -> out.i32((Integer) v);
        } else if (raw == boolean.class) {
            return (out, v) -> out.write((Boolean) v ? 1 : 0);
        } else if (raw.isPrimitive()) {
            throw new CodecException("unsupported primitive " + raw);
        }
        Writer body = bodyOf(type, raw);
        return (out, v) -> {
            if (v == null) {
                out.write(0);
            } else {
                out.write(1);
                body.write(out, v);
            }
        };
    }

    /** How a present value of declared type {@code type} is written after its presence byte. */
    private static Writer bodyOf(Type type, Class<?> raw) {
        if (raw == String.class) {
            return (out, v) -> writeString(out, (String) v);
        } else if (raw == Long.class) {
            return (out, v) -> out.i64((Long) v);
        } else if (raw == Integer.class) {
            return (out, v) -> out.i32((Integer) v);
        } else if (raw == Boolean.class) {
            return (out, v) -> out.write((Boolean) v ? 1 : 0);
        } else if (raw == byte[].class) {
            return (out, v) -> out.bytes((byte[]) v);
        } else if (raw == BigInteger.class) {
            return (out, v) -> out.bytes(((BigInteger) v).toByteArray());
        } else if (raw == BigDecimal.class) {
            return (out, v) -> {
                BigDecimal d = (BigDecimal) v;
                if (d.scale() != DECIMAL_SCALE) {
                    throw new CodecException("decimal " + d + " has scale " + d.scale() + "; ledger decimals have "
                            + DECIMAL_SCALE + " places");
                }
                out.i32(d.scale());
                out.bytes(d.unscaledValue().toByteArray());
            };
        } else if (raw.isEnum()) {
            return (out, v) -> writeString(out, ((Enum<?>) v).name());
        } else if (List.class.isAssignableFrom(raw)) {
            Type item = typeArgument(type, 0);
            return new Writer() {
                private Writer items;

                @Override
                public void write(ByteSink out, Object v) {
                    List<?> list = (List<?>) v;
                    out.i32(list.size());
                    if (list.isEmpty()) {
                        return;
                    }
                    Writer w = items;
                    if (w == null) {
                        w = items = writer(item);
                    }
                    for (int i = 0, n = list.size(); i < n; i++) {
                        w.write(out, list.get(i));
                    }
                }
            };
        } else if (raw == Optional.class) {
            Type item = typeArgument(type, 0);
            return (out, v) -> {
                Optional<?> opt = (Optional<?>) v;
                out.write(opt.isPresent() ? 1 : 0);
                if (opt.isPresent()) {
                    writer(item).write(out, opt.get());
                }
            };
        } else if (raw.isSealed() && raw.isInterface()) {
            return (out, v) -> {
                writeString(out, v.getClass().getSimpleName());
                body(v.getClass()).write(out, v);
            };
        } else if (raw.isRecord()) {
            // Resolved on first use, so that a record type may refer to itself.
            return new Writer() {
                private Writer resolved;

                @Override
                public void write(ByteSink out, Object v) {
                    Writer w = resolved;
                    if (w == null) {
                        w = resolved = body(raw);
                    }
                    w.write(out, v);
                }
            };
        }
        return (out, v) -> {
            throw new CodecException("cannot encode " + v.getClass().getName());
        };
    }

    /** Strings are UTF-8 with a length; ASCII, the common case, is copied without an intermediate array. */
    private static void writeString(ByteSink out, String s) {
        int n = s.length();
        int at = out.ensure(4 + n);
        byte[] b = out.array();
        int p = at + 4;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                out.bytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            b[p++] = (byte) c;
        }
        b[at] = (byte) (n >>> 24);
        b[at + 1] = (byte) (n >>> 16);
        b[at + 2] = (byte) (n >>> 8);
        b[at + 3] = (byte) n;
        out.advance(4 + n);
    }

    /** The generic encoding of a one-{@code byte[]} record (its presence byte, then the bytes), without a copy. */
    private static void writeByteRecord(ByteSink out, Object v) {
        ByteRecord r = (ByteRecord) v;
        int n = r.byteLength();
        int at = out.ensure(5 + n);
        byte[] b = out.array();
        b[at] = 1;
        b[at + 1] = (byte) (n >>> 24);
        b[at + 2] = (byte) (n >>> 16);
        b[at + 3] = (byte) (n >>> 8);
        b[at + 4] = (byte) n;
        r.copyBytes(b, at + 5);
        out.advance(5 + n);
    }

    private static Writer recordBody(Class<?> raw) {
        RecordComponent[] components = raw.getRecordComponents();
        Writer[] parts = new Writer[components.length];
        for (int i = 0; i < components.length; i++) {
            parts[i] = componentWriter(raw, components[i]);
        }
        return (out, v) -> {
            for (Writer part : parts) {
                part.write(out, v);
            }
        };
    }

    /** Reads one component of a record through a generated accessor (no reflection per call) and writes it. */
    private static Writer componentWriter(Class<?> raw, RecordComponent c) {
        Accessors.Getter get = Accessors.getter(raw, c);
        Class<?> t = c.getType();
        if (t == long.class) {
            ToLongFunction<Object> f = get.asLong();
            return (out, v) -> out.i64(f.applyAsLong(v));
        } else if (t == int.class) {
            ToIntFunction<Object> f = get.asInt();
            return (out, v) -> out.i32(f.applyAsInt(v));
        } else if (t == boolean.class) {
            Predicate<Object> f = get.asBoolean();
            return (out, v) -> out.write(f.test(v) ? 1 : 0);
        } else if (t.isPrimitive()) {
            throw new CodecException("unsupported primitive " + t + " in " + raw.getName());
        }
        Function<Object, Object> f = get.asObject();
        Type type = c.getGenericType();
        return new Writer() {
            private Writer w;

            @Override
            public void write(ByteSink out, Object v) {
                Writer inner = w;
                if (inner == null) {
                    inner = w = writer(type);
                }
                inner.write(out, f.apply(v));
            }
        };
    }

    private static Object read(In in, Type type) {
        Class<?> raw = raw(type);
        if (raw == long.class) {
            return in.i64();
        }
        if (raw == int.class) {
            return in.i32();
        }
        if (raw == boolean.class) {
            return in.bool();
        }
        int present = in.u8();
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw new CodecException("bad presence byte " + present);
        }
        if (raw == String.class) {
            return in.string();
        } else if (raw == Long.class) {
            return in.i64();
        } else if (raw == Integer.class) {
            return in.i32();
        } else if (raw == Boolean.class) {
            return in.bool();
        } else if (raw == byte[].class) {
            return in.bytes();
        } else if (raw == BigInteger.class) {
            return in.bigInteger();
        } else if (raw == BigDecimal.class) {
            return in.decimal();
        } else if (raw.isEnum()) {
            String name = in.string();
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(name)) {
                    return c;
                }
            }
            throw new CodecException("unknown " + raw.getSimpleName() + " " + name);
        } else if (List.class.isAssignableFrom(raw)) {
            int n = in.length();
            Type item = typeArgument(type, 0);
            List<Object> list = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                list.add(read(in, item));
            }
            return java.util.Collections.unmodifiableList(list);
        } else if (raw == Optional.class) {
            return in.bool() ? Optional.ofNullable(read(in, typeArgument(type, 0))) : Optional.empty();
        } else if (raw.isSealed() && raw.isInterface()) {
            String name = in.string();
            for (Class<?> variant : variants(raw)) {
                if (variant.getSimpleName().equals(name)) {
                    return readRecord(in, variant);
                }
            }
            throw new CodecException("unknown " + raw.getSimpleName() + " variant " + name);
        } else if (raw.isRecord()) {
            return readRecord(in, raw);
        }
        throw new CodecException("cannot decode " + raw.getName());
    }

    private static Object readRecord(In in, Class<?> raw) {
        RecordShape shape = shape(raw);
        Object[] args = new Object[shape.types.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = read(in, shape.types[i]);
        }
        try {
            return shape.constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CodecException("invalid " + raw.getSimpleName() + ": " + cause.getMessage());
        }
    }

    private static Class<?>[] variants(Class<?> sealed) {
        return VARIANTS.computeIfAbsent(sealed, s -> {
            List<Class<?>> out = new ArrayList<>();
            collect(s, out);
            out.sort(Comparator.comparing(Class::getSimpleName));
            return out.toArray(new Class<?>[0]);
        });
    }

    private static void collect(Class<?> c, List<Class<?>> out) {
        if (c.isRecord()) {
            out.add(c);
            return;
        }
        Class<?>[] permitted = c.getPermittedSubclasses();
        if (permitted != null) {
            for (Class<?> p : permitted) {
                collect(p, out);
            }
        }
    }

    private static RecordShape shape(Class<?> raw) {
        return SHAPES.computeIfAbsent(raw, RecordShape::of);
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new CodecException("unsupported type " + type);
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new CodecException("raw collection type without element type: " + type);
    }

    /** Component types and canonical constructor of a record, looked up once, for decoding. */
    // A cache entry, compared by identity (below); only this class reads its array, which it never changes.
    @SuppressWarnings("ArrayRecordComponent")
    private record RecordShape(Type[] types, Constructor<?> constructor) {
        static RecordShape of(Class<?> raw) {
            RecordComponent[] components = raw.getRecordComponents();
            Type[] types = new Type[components.length];
            Class<?>[] ctorTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getGenericType();
                ctorTypes[i] = components[i].getType();
            }
            try {
                Constructor<?> ctor = raw.getDeclaredConstructor(ctorTypes);
                ctor.setAccessible(true);
                return new RecordShape(types, ctor);
            } catch (NoSuchMethodException | RuntimeException e) {
                throw new CodecException("no accessible canonical constructor for " + raw.getName());
            }
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "RecordShape" + Arrays.toString(types);
        }
    }

    /** Bounds-checked input. */
    private static final class In {
        final byte[] buf;
        int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        int u8() {
            if (pos >= buf.length) {
                throw new CodecException("truncated input");
            }
            return buf[pos++] & 0xFF;
        }

        boolean bool() {
            int b = u8();
            if (b > 1) {
                throw new CodecException("bad boolean " + b);
            }
            return b == 1;
        }

        int i32() {
            return (u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
        }

        long i64() {
            return ((long) i32() << 32) | (i32() & 0xFFFFFFFFL);
        }

        int length() {
            int n = i32();
            if (n < 0 || n > MAX_LENGTH || n > buf.length - pos + (1 << 20)) {
                throw new CodecException("bad length " + n);
            }
            return n;
        }

        /** UTF-8 text; malformed bytes are refused, so each string has one encoding. */
        String string() {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes()))
                        .toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new CodecException("text is not valid UTF-8");
            }
        }

        /**
         * A decimal: its scale, which must be {@link #DECIMAL_SCALE}, then an unscaled value of at most
         * {@link #MAX_DECIMAL_BYTES}; both are checked before any arithmetic.
         */
        BigDecimal decimal() {
            int scale = i32();
            if (scale != DECIMAL_SCALE) {
                throw new CodecException("decimal scale " + scale + "; ledger decimals have " + DECIMAL_SCALE);
            }
            int n = length();
            if (n > MAX_DECIMAL_BYTES) {
                throw new CodecException(
                        "decimal of " + n + " bytes; the most a ledger decimal has is " + MAX_DECIMAL_BYTES);
            }
            pos -= 4;
            return new BigDecimal(bigInteger(), scale);
        }

        /** A two's-complement integer in its shortest form, as {@link BigInteger#toByteArray()} writes it. */
        BigInteger bigInteger() {
            byte[] b = bytes();
            if (b.length == 0) {
                throw new CodecException("empty integer");
            }
            BigInteger v = new BigInteger(b);
            if (!Arrays.equals(v.toByteArray(), b)) {
                throw new CodecException("integer not in its shortest form");
            }
            return v;
        }

        byte[] bytes() {
            int n = length();
            if (n > buf.length - pos) {
                throw new CodecException("truncated input");
            }
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }
    }
}
