package dev.vyoma.ledger;

import dev.vyoma.ledger.tx.Msg;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * Messages decoded from the wire may carry absent (null) fields where every message needs a value;
 * this finds them, recursively through records and lists, before a handler sees the message.
 */
final class MessageShape {
    /** Record components per message class, looked up once (reflection allocates on every call). */
    private static final java.util.Map<Class<?>, RecordComponent[]> COMPONENTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private MessageShape() {}

    /** The path of the first absent field of {@code msg}, or null when every field is present. */
    static String missingField(Msg msg) {
        return missing(msg, "");
    }

    private static String missing(Object value, String path) {
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String m = list.get(i) == null ? path + "[" + i + "]" : missing(list.get(i), path + "[" + i + "]");
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
        if (!value.getClass().isRecord() || value.getClass().getPackageName().startsWith("dev.vyoma.sdl")) {
            // SDL records mark optional fields with null on purpose (absent vs empty); they were built
            // by the SDL parser or checked by the group spec rules.
            return null;
        }
        for (RecordComponent c : COMPONENTS.computeIfAbsent(value.getClass(), Class::getRecordComponents)) {
            Object v;
            try {
                v = c.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String p = path.isEmpty() ? c.getName() : path + "." + c.getName();
            if (v == null) {
                return p;
            }
            if (!c.getType().isPrimitive()) {
                String m = missing(v, p);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }
}
