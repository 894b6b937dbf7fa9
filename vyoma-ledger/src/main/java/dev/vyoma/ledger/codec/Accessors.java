package dev.vyoma.ledger.codec;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Record component accessors as plain functional interfaces, generated once per component with {@link
 * LambdaMetafactory}, so that reading a component costs an interface call rather than a reflective one.
 * Where the JVM refuses to generate one (a record the codec cannot see privately), it falls back to a
 * method handle, which is slower but gives the same values.
 */
public final class Accessors {
    private Accessors() {}

    /** One component's accessor, in the shape its type needs. */
    record Getter(Class<?> record, RecordComponent component, MethodHandles.Lookup lookup, MethodHandle handle) {
        @SuppressWarnings("unchecked")
        Function<Object, Object> asObject() {
            Object f = generate(Function.class, "apply", MethodType.methodType(Object.class, Object.class));
            if (f != null) {
                return (Function<Object, Object>) f;
            }
            MethodHandle h = handle.asType(MethodType.methodType(Object.class, Object.class));
            return v -> invoke(() -> (Object) h.invokeExact(v));
        }

        @SuppressWarnings("unchecked")
        ToLongFunction<Object> asLong() {
            Object f = generate(ToLongFunction.class, "applyAsLong", MethodType.methodType(long.class, Object.class));
            if (f != null) {
                return (ToLongFunction<Object>) f;
            }
            MethodHandle h = handle.asType(MethodType.methodType(long.class, Object.class));
            return v -> invoke(() -> (long) h.invokeExact(v));
        }

        @SuppressWarnings("unchecked")
        ToIntFunction<Object> asInt() {
            Object f = generate(ToIntFunction.class, "applyAsInt", MethodType.methodType(int.class, Object.class));
            if (f != null) {
                return (ToIntFunction<Object>) f;
            }
            MethodHandle h = handle.asType(MethodType.methodType(int.class, Object.class));
            return v -> invoke(() -> (int) h.invokeExact(v));
        }

        @SuppressWarnings("unchecked")
        Predicate<Object> asBoolean() {
            Object f = generate(Predicate.class, "test", MethodType.methodType(boolean.class, Object.class));
            if (f != null) {
                return (Predicate<Object>) f;
            }
            MethodHandle h = handle.asType(MethodType.methodType(boolean.class, Object.class));
            return v -> invoke(() -> (boolean) h.invokeExact(v));
        }

        private Object generate(Class<?> iface, String method, MethodType erased) {
            if (lookup == null) {
                return null;
            }
            try {
                MethodType instantiated = MethodType.methodType(
                        erased.returnType() == Object.class ? box(component.getType()) : erased.returnType(), record);
                return LambdaMetafactory.metafactory(
                                lookup, method, MethodType.methodType(iface), erased, handle, instantiated)
                        .getTarget()
                        .invoke();
            } catch (Throwable e) {
                return null;
            }
        }
    }

    /** The accessor of {@code c}, a component of {@code record}, as a function (primitives boxed). */
    public static Function<Object, Object> function(Class<?> record, RecordComponent c) {
        return getter(record, c).asObject();
    }

    /** The accessor of {@code c}, a component of {@code record}. */
    static Getter getter(Class<?> record, RecordComponent c) {
        MethodHandles.Lookup lookup;
        try {
            lookup = MethodHandles.privateLookupIn(record, MethodHandles.lookup());
        } catch (IllegalAccessException | RuntimeException e) {
            lookup = null;
        }
        try {
            MethodHandle handle;
            if (lookup != null) {
                handle = lookup.unreflect(c.getAccessor());
            } else {
                c.getAccessor().setAccessible(true);
                handle = MethodHandles.lookup().unreflect(c.getAccessor());
            }
            return new Getter(record, c, lookup, handle);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new CodecException("cannot access " + record.getName() + "." + c.getName());
        }
    }

    private interface Call<T> {
        T run() throws Throwable;
    }

    private static <T> T invoke(Call<T> call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CodecException("cannot read a record component: " + t);
        }
    }

    private static Class<?> box(Class<?> c) {
        return MethodType.methodType(c).wrap().returnType();
    }
}
