package dev.vyoma.ledger;

import dev.vyoma.ledger.codec.Accessors;
import dev.vyoma.ledger.tx.Msg;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.function.Function;

/**
 * Messages decoded from the wire may carry absent (null) fields where every message needs a value;
 * this finds them, recursively through records and lists, before a handler sees the message. Each
 * record class's components are looked up once, and a field's path is only spelled out when one is
 * missing, so checking a well-formed message allocates nothing.
 */
final class MessageShape {
    /** A record class's components: names, accessors, and which are primitives (never absent). */
    // A cache entry per record class, never compared or printed; only this class reads its arrays, once built.
    @SuppressWarnings("ArrayRecordComponent")
    private record Shape(String[] names, Function<Object, Object>[] getters, boolean[] primitive) {}

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            Function<Object, Object>[] getters = new Function[components.length];
            boolean[] primitive = new boolean[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                primitive[i] = components[i].getType().isPrimitive();
                getters[i] = primitive[i] ? null : Accessors.function(type, components[i]);
            }
            return new Shape(names, getters, primitive);
        }
    };

    private MessageShape() {}

    /** The path of the first absent field of {@code msg}, or null when every field is present. */
    static String missingField(Msg msg) {
        return missing(msg);
    }

    /** The path, relative to {@code value}, of its first absent field, or null. */
    private static String missing(Object value) {
        if (value instanceof List<?> list) {
            for (int i = 0, n = list.size(); i < n; i++) {
                Object item = list.get(i);
                String m = item == null ? "" : missing(item);
                if (m != null) {
                    return "[" + i + "]" + join(m);
                }
            }
            return null;
        }
        Class<?> type = value.getClass();
        if (!type.isRecord() || type.getPackageName().startsWith("dev.vyoma.sdl")) {
            // SDL records mark optional fields with null on purpose (absent vs empty); they were built
            // by the SDL parser or checked by the group spec rules.
            return null;
        }
        Shape shape = SHAPES.get(type);
        for (int i = 0; i < shape.names().length; i++) {
            if (shape.primitive()[i]) {
                continue;
            }
            Object v = shape.getters()[i].apply(value);
            String m = v == null ? "" : missing(v);
            if (m != null) {
                return shape.names()[i] + join(m);
            }
        }
        return null;
    }

    private static String join(String rest) {
        return rest.isEmpty() || rest.startsWith("[") ? rest : "." + rest;
    }
}
