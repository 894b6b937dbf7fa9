package dev.vyoma.ledger.codec;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
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

    private static final Map<Class<?>, RecordShape> SHAPES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Class<?>[]> VARIANTS = new ConcurrentHashMap<>();

    private Codec() {}

    /** Encodes {@code value} as declared type {@code type}. */
    public static byte[] encode(Object value, Type type) {
        Out out = new Out();
        write(out, value, type);
        return out.toByteArray();
    }

    /** Encodes a record or sealed value by its runtime class. */
    public static byte[] encode(Object value) {
        return encode(value, value.getClass());
    }

    /** Decodes bytes produced by {@link #encode(Object, Type)}; trailing bytes are an error. */
    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes, Type type) {
        In in = new In(bytes);
        Object v = read(in, type);
        if (in.pos != bytes.length) {
            throw new CodecException("trailing bytes after value: " + (bytes.length - in.pos));
        }
        return (T) v;
    }

    private static void write(Out out, Object v, Type type) {
        Class<?> raw = raw(type);
        if (raw.isPrimitive()) {
            writePrimitive(out, v, raw);
            return;
        }
        if (v == null) {
            out.write(0);
            return;
        }
        out.write(1);
        if (raw == String.class) {
            out.bytes(((String) v).getBytes(StandardCharsets.UTF_8));
        } else if (raw == Long.class) {
            out.i64((Long) v);
        } else if (raw == Integer.class) {
            out.i32((Integer) v);
        } else if (raw == Boolean.class) {
            out.write((Boolean) v ? 1 : 0);
        } else if (raw == byte[].class) {
            out.bytes((byte[]) v);
        } else if (raw == BigInteger.class) {
            out.bytes(((BigInteger) v).toByteArray());
        } else if (raw == BigDecimal.class) {
            BigDecimal d = (BigDecimal) v;
            out.i32(d.scale());
            out.bytes(d.unscaledValue().toByteArray());
        } else if (raw.isEnum()) {
            out.bytes(((Enum<?>) v).name().getBytes(StandardCharsets.UTF_8));
        } else if (List.class.isAssignableFrom(raw)) {
            List<?> list = (List<?>) v;
            Type item = typeArgument(type, 0);
            out.i32(list.size());
            for (Object o : list) {
                write(out, o, item);
            }
        } else if (raw == Optional.class) {
            Optional<?> opt = (Optional<?>) v;
            out.write(opt.isPresent() ? 1 : 0);
            if (opt.isPresent()) {
                write(out, opt.get(), typeArgument(type, 0));
            }
        } else if (raw.isSealed() && raw.isInterface()) {
            out.bytes(v.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8));
            writeRecord(out, v, v.getClass());
        } else if (raw.isRecord()) {
            writeRecord(out, v, raw);
        } else {
            throw new CodecException("cannot encode " + raw.getName());
        }
    }

    private static void writeRecord(Out out, Object v, Class<?> raw) {
        RecordShape shape = shape(raw);
        for (int i = 0; i < shape.types.length; i++) {
            try {
                write(out, shape.getters[i].invoke(v), shape.types[i]);
            } catch (CodecException e) {
                throw e;
            } catch (Throwable t) {
                throw new CodecException("cannot read " + raw.getSimpleName() + " component " + i + ": " + t);
            }
        }
    }

    private static void writePrimitive(Out out, Object v, Class<?> raw) {
        if (raw == long.class) {
            out.i64((Long) v);
        } else if (raw == int.class) {
            out.i32((Integer) v);
        } else if (raw == boolean.class) {
            out.write((Boolean) v ? 1 : 0);
        } else {
            throw new CodecException("unsupported primitive " + raw);
        }
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
            int scale = in.i32();
            return new BigDecimal(in.bigInteger(), scale);
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

    /** Accessors and canonical constructor of a record, looked up once. */
    private record RecordShape(MethodHandle[] getters, Type[] types, Constructor<?> constructor) {
        static RecordShape of(Class<?> raw) {
            RecordComponent[] components = raw.getRecordComponents();
            MethodHandle[] getters = new MethodHandle[components.length];
            Type[] types = new Type[components.length];
            Class<?>[] ctorTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                try {
                    components[i].getAccessor().setAccessible(true);
                    getters[i] = MethodHandles.lookup().unreflect(components[i].getAccessor());
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new CodecException("cannot access " + raw.getName() + "." + components[i].getName());
                }
                types[i] = components[i].getGenericType();
                ctorTypes[i] = components[i].getType();
            }
            try {
                Constructor<?> ctor = raw.getDeclaredConstructor(ctorTypes);
                ctor.setAccessible(true);
                return new RecordShape(getters, types, ctor);
            } catch (NoSuchMethodException e) {
                throw new CodecException("no canonical constructor for " + raw.getName());
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

    /** Growable output. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(128);
        }

        void i32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void i64(long v) {
            i32((int) (v >>> 32));
            i32((int) v);
        }

        void bytes(byte[] b) {
            i32(b.length);
            write(b, 0, b.length);
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
