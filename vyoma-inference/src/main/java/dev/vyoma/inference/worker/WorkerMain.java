package dev.vyoma.inference.worker;

import dev.vyoma.inference.api.WorkerSecret;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vyoma inference worker}'s process (and what a provider's image table starts for a lease):
 * {@code --model FILE.gguf [--name ID] [--port N] [--host H] [--context N] [--slots N] [--threads N] [--pace-ms N]}.
 * The port
 * defaults to {@code $PORT}, which the process runtime sets; the model id to the file's name without
 * {@code .gguf}, or {@code $MODEL_NAME}. The secret its gateway sends with every request is
 * {@code $VYOMA_WORKER_SECRET} ({@link WorkerSecret#ENV}), which a leased worker gets from its manifest; without
 * one the worker does not start.
 */
public final class WorkerMain {
    private WorkerMain() {}

    /** Options as parsed from the command line. */
    public record Options(
            Path model,
            String name,
            String host,
            int port,
            int context,
            int slots,
            int threads,
            int paceMs,
            WorkerSecret secret) {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("vyoma inference worker: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(o);
    }

    /** Loads the model, serves it, and blocks until the process is stopped. */
    public static void run(Options o) throws InterruptedException {
        LlamaEngine engine = new LlamaEngine(o.model(), o.context(), o.slots(), o.threads());
        WorkerServer server =
                WorkerServer.start(engine, o.name(), Clock.systemUTC(), o.host(), o.port(), o.paceMs(), o.secret());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stop.countDown();
        }));
        System.out.println("vyoma inference worker ready: model " + o.name() + " on http://" + o.host() + ":"
                + server.port() + " (" + o.slots() + " slots of " + o.context() + " tokens)");
        System.out.flush();
        stop.await();
    }

    /** Reads the options and this process's environment; an {@link IllegalArgumentException} says what is wrong. */
    public static Options parse(String[] args) {
        return parse(args, System.getenv());
    }

    /** Reads the options and {@code env}; an {@link IllegalArgumentException} says what is wrong. */
    public static Options parse(String[] args, Map<String, String> env) {
        Path model = null;
        String name = env.get("MODEL_NAME");
        String host = "127.0.0.1";
        String envPort = env.get("PORT");
        int port = envPort == null ? 0 : number("$PORT", envPort);
        int context = 256;
        int slots = 2;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        int paceMs = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model" -> model = Path.of(v);
                case "--name" -> name = v;
                case "--host" -> host = v;
                case "--port" -> port = number(a, v);
                case "--context" -> context = number(a, v);
                case "--slots" -> slots = number(a, v);
                case "--threads" -> threads = number(a, v);
                case "--pace-ms" -> paceMs = number(a, v);
                default ->
                    throw new IllegalArgumentException("unknown option " + a
                            + "; use --model, --name, --host, --port, --context, --slots, --threads, --pace-ms");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model FILE.gguf is required");
        }
        if (name == null || name.isBlank()) {
            String f = model.getFileName().toString();
            name = f.endsWith(".gguf") ? f.substring(0, f.length() - 5) : f;
        }
        if (slots < 1 || context < 8) {
            throw new IllegalArgumentException("--slots is at least 1 and --context at least 8");
        }
        String secret = env.get(WorkerSecret.ENV);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("$" + WorkerSecret.ENV
                    + " is not set: a worker answers only its gateway, with the secret the gateway gave it (a leased"
                    + " worker gets it from its manifest; for your own worker, give both the same one)");
        }
        WorkerSecret workerSecret;
        try {
            workerSecret = WorkerSecret.parse(secret.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("$" + WorkerSecret.ENV + ": " + e.getMessage());
        }
        return new Options(model, name, host, port, context, slots, threads, paceMs, workerSecret);
    }

    private static int number(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " is a whole number, got " + v);
    }
}
