package dev.vyoma.provider.runtime;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The built-in image of the process runtime: a static web server, for the web images of the examples
 * ({@code nginx}, {@code httpd}). It serves {@code --root DIR} if given, else one page naming the service.
 * {@code java … StaticWebServer --port P --title NAME [--root DIR]}; it runs until killed. It runs this
 * provider's own code for a tenant, so everything it is told comes as these arguments: the runtime starts its JVM
 * with an empty environment, and nothing here reads one.
 */
public final class StaticWebServer {
    private StaticWebServer() {}

    public static void main(String[] args) throws IOException {
        int port = 0;
        String title = "vyoma";
        Path root = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--title" -> title = args[i + 1];
                case "--root" -> root = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String page = "<!doctype html><title>" + escape(title) + "</title><h1>" + escape(title)
                + "</h1><p>Served by a Vyoma provider.</p>\n";
        Path docs = root;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body;
            int status = 200;
            String type = "text/html; charset=utf-8";
            String path = exchange.getRequestURI().getPath();
            if (docs == null) {
                body = page.getBytes(StandardCharsets.UTF_8);
            } else {
                Path file = docs.resolve(path.equals("/") ? "index.html" : path.substring(1))
                        .normalize();
                if (!file.startsWith(docs) || !Files.isRegularFile(file)) {
                    status = 404;
                    body = "not found\n".getBytes(StandardCharsets.UTF_8);
                    type = "text/plain; charset=utf-8";
                } else {
                    body = Files.readAllBytes(file);
                    type = Files.probeContentType(file) == null
                            ? "application/octet-stream"
                            : Files.probeContentType(file);
                }
            }
            // An access log line per request, as a web server writes one; the tenant reads it with deploy logs.
            System.out.println(exchange.getRequestMethod() + " " + path + " " + status + " " + body.length);
            System.out.flush();
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
