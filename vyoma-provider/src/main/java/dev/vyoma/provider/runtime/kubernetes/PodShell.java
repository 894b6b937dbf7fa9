package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.runtime.Shell;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A command run in one replica's container through the API server's exec ({@code kubectl exec}): stdout and stderr
 * apart, or one terminal; stdin when asked for; the exit code the API server reports.
 */
final class PodShell implements Shell {
    private final KubernetesClient client;
    private final String ns;
    private final String pod;
    private final String uid;
    private final String container;
    private final Request request;
    private ExecWatch watch;

    PodShell(KubernetesClient client, String ns, PodReports.PodReplica target, Request request) {
        this.client = client;
        this.ns = ns;
        this.pod = target.pod().getMetadata().getName();
        this.uid = target.pod().getMetadata().getUid();
        this.container = target.pod().getSpec().getContainers().get(0).getName();
        this.request = request;
    }

    /**
     * The replica {@code request} names ({@code service} empty: the lease's only service), refused when the lease
     * has no such replica or it does not run.
     */
    static PodReports.PodReplica target(String lease, List<PodReports.PodReplica> replicas, Request request)
            throws Refused {
        Set<String> services = new LinkedHashSet<>();
        replicas.forEach(r -> services.add(r.service()));
        if (services.isEmpty()) {
            throw new Refused(Refused.Reason.NO_SUCH_REPLICA, "lease " + lease + " runs nothing here");
        }
        String service = request.service();
        if (service.isEmpty()) {
            if (services.size() > 1) {
                throw new Refused(
                        Refused.Reason.NO_SUCH_REPLICA,
                        "the lease runs services " + String.join(", ", services) + "; name one");
            }
            service = services.iterator().next();
        } else if (!services.contains(service)) {
            throw new Refused(
                    Refused.Reason.NO_SUCH_REPLICA,
                    "the lease has no service " + Names.shown(service) + "; it runs " + String.join(", ", services));
        }
        String name = service;
        List<PodReports.PodReplica> of =
                replicas.stream().filter(r -> r.service().equals(name)).toList();
        PodReports.PodReplica target = of.stream()
                .filter(r -> r.index() == request.replica())
                .findFirst()
                .orElseThrow(() -> new Refused(
                        Refused.Reason.NO_SUCH_REPLICA,
                        "service " + name + " has replicas 0 to " + (of.size() - 1) + ", not " + request.replica()));
        if (!target.running()) {
            throw new Refused(
                    Refused.Reason.NOT_RUNNING,
                    "replica " + name + "-" + target.index() + " is not running"
                            + (target.problem().isEmpty() ? "" : " (" + target.problem() + ")")
                            + "; try again when it runs");
        }
        return target;
    }

    @Override
    public synchronized void start() throws IOException {
        var op = client.pods().inNamespace(ns).withName(pod).inContainer(container);
        try {
            // The pod chosen from the list may have been replaced since (a rollout, a restart by its controller):
            // the command runs only in the replica that was chosen, or the caller hears to try again.
            Pod now = client.pods().inNamespace(ns).withName(pod).get();
            if (now == null || !Objects.equals(now.getMetadata().getUid(), uid)) {
                throw new IOException("replica " + pod + " was replaced since it was chosen; try again");
            }
            var in = request.stdin() ? op.redirectingInput() : op;
            watch = request.tty()
                    ? in.redirectingOutput().withTTY().exec(request.command().toArray(String[]::new))
                    : in.redirectingOutput()
                            .redirectingError()
                            .exec(request.command().toArray(String[]::new));
        } catch (KubernetesClientException e) {
            throw new IOException("cannot run the command in " + pod + ": " + KubernetesRuntime.oneLine(e), e);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        OutputStream in = watch == null ? null : watch.getInput();
        if (in != null) {
            in.write(bytes, offset, length);
            in.flush();
        }
    }

    @Override
    public void closeStdin() throws IOException {
        OutputStream in = watch == null ? null : watch.getInput();
        if (in != null) {
            in.close();
        }
    }

    @Override
    public void resize(int columns, int rows) {
        if (watch != null && request.tty()) {
            watch.resize(columns, rows);
        }
    }

    @Override
    public int pump(Output out) throws IOException {
        if (watch == null) {
            throw new IOException("the command was not started");
        }
        Thread err = null;
        if (!request.tty() && watch.getError() != null) {
            InputStream e = watch.getError();
            err = Thread.ofVirtual().start(() -> copy(e, 2, out));
        }
        copy(watch.getOutput(), 1, out);
        try {
            if (err != null) {
                err.join();
            }
            Integer code = watch.exitCode().get(10, TimeUnit.SECONDS);
            return code == null ? -1 : code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the command ran", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the command's exit code did not come: " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream in, int stream, Output out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(stream, buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The command ended or was closed.
        }
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
