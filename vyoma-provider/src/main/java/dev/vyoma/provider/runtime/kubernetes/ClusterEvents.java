package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.WorkloadRuntime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The events Kubernetes recorded in a lease's namespace, as the tenant reads them: {@code TYPE reason: message
 * (Kind/name)} at the time the event last happened. What is read is bounded ({@link #READ_AT_MOST} events, messages
 * cut at {@link #MESSAGE_CHARS} characters with control characters escaped): a namespace's events are written by the
 * cluster, but their words carry what the tenant's manifest named.
 */
final class ClusterEvents {
    /** The most events read from a namespace in one call (Kubernetes keeps them an hour by default). */
    static final int READ_AT_MOST = 1000;

    static final int MESSAGE_CHARS = 400;

    private ClusterEvents() {}

    /** The namespace's events, oldest first, the last {@code max} of them. */
    static List<WorkloadRuntime.Event> read(KubernetesClient client, String ns, int max) {
        List<Event> items = new ArrayList<>(client.v1()
                .events()
                .inNamespace(ns)
                .list(new ListOptionsBuilder().withLimit((long) READ_AT_MOST).build())
                .getItems());
        List<WorkloadRuntime.Event> out = new ArrayList<>();
        for (Event e : items) {
            var o = e.getInvolvedObject();
            String type = e.getType() == null ? "" : text(e.getType(), 20) + " ";
            out.add(new WorkloadRuntime.Event(
                    time(e),
                    type + text(String.valueOf(e.getReason()), 80) + ": "
                            + text(String.valueOf(e.getMessage()), MESSAGE_CHARS)
                            + (o == null ? "" : " (" + text(o.getKind() + "/" + o.getName(), 200) + ")")));
        }
        out.sort(Comparator.comparing(WorkloadRuntime.Event::time));
        return List.copyOf(out.subList(Math.max(0, out.size() - Math.max(0, max)), out.size()));
    }

    /** When the event last happened: its last timestamp, else its event time, first timestamp or creation. */
    static Instant time(Event e) {
        for (String t : new String[] {
            e.getLastTimestamp(),
            e.getEventTime() == null ? null : e.getEventTime().getTime(),
            e.getFirstTimestamp(),
            e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp()
        }) {
            if (t != null && !t.isEmpty()) {
                try {
                    return OffsetDateTime.parse(t).toInstant();
                } catch (DateTimeParseException ignored) {
                    // Not a time Kubernetes writes: try the next field.
                }
            }
        }
        return Instant.EPOCH;
    }

    /** {@code s} cut at {@code max} characters, control characters escaped. */
    private static String text(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (char c : s.substring(0, Math.min(max, s.length())).toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > max ? b + "..." : b.toString();
    }
}
