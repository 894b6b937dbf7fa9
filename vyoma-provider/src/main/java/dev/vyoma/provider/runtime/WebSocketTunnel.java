package dev.vyoma.provider.runtime;

import dev.vyoma.http.ClientConnections;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * An HTTP/1.1 upgrade (WebSocket) passed through to a service: the client's request goes to the service with its
 * {@code Upgrade} and {@code Connection: Upgrade} (every other hop-by-hop header dropped, {@code X-Forwarded-*}
 * set), the service's answer is read with Jetty's HTTP parser, and a {@code 101} turns both connections into one
 * byte tunnel. The ingress then reads no frame: subprotocols, extensions, message types and close codes are whatever
 * the client and the service agree. Any other answer (a 400, a 426, a redirect) goes back to the client as a plain
 * response. The tunnel ends when either side closes, or when no byte crossed it for the route's read timeout.
 */
final class WebSocketTunnel {
    /** Largest body of a service's refusal of an upgrade that is passed back; a bigger one is a 502. */
    static final int MAX_REFUSAL_BYTES = 64 * 1024;

    private static final int BUFFER = 16 * 1024;
    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Set<String> DROPPED = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "content-length",
            "x-forwarded-host",
            "x-forwarded-for",
            "x-forwarded-proto");

    private WebSocketTunnel() {}

    /** A GET that asks to switch protocols ({@code Connection: upgrade} and an {@code Upgrade} header). */
    static boolean isUpgrade(Request request) {
        HttpFields headers = request.getHeaders();
        return HttpMethod.GET.is(request.getMethod())
                && headers.contains(HttpHeader.UPGRADE)
                && headers.contains(HttpHeader.CONNECTION, "upgrade")
                && HttpVersion.HTTP_1_1.is(request.getConnectionMetaData().getProtocol());
    }

    /** Asks the service to switch protocols and, when it does, tunnels the connection; runs on a virtual thread. */
    static boolean handle(
            Request request, Response response, Callback callback, Ingress.Target target, ClientConnections cap) {
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            Ingress.plain(response, callback, 400, "an upgrade request has no body\n", true);
            return true;
        }
        THREADS.execute(() -> {
            Socket service = new Socket();
            try {
                connectAndAsk(service, request, target);
                Answer answer = read(service);
                if (answer.status() == HttpStatus.SWITCHING_PROTOCOLS_101) {
                    response.setStatus(HttpStatus.SWITCHING_PROTOCOLS_101);
                    for (HttpField f : answer.headers()) {
                        String name = f.getLowerCaseName();
                        if (!name.equals("content-length")
                                && !name.equals("transfer-encoding")
                                && !name.equals("keep-alive")) {
                            response.getHeaders().add(f);
                        }
                    }
                    EndPoint endPoint =
                            request.getConnectionMetaData().getConnection().getEndPoint();
                    Pipe pipe = new Pipe(endPoint, service, answer.rest(), target.options());
                    pipe.addEventListener(cap);
                    request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, pipe);
                    callback.succeeded();
                    return;
                }
                service.close();
                response.setStatus(answer.status());
                for (HttpField f : answer.headers()) {
                    String name = f.getLowerCaseName();
                    if (!DROPPED.contains(name) && !name.equals("upgrade")) {
                        response.getHeaders().add(f);
                    }
                }
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
                response.write(true, ByteBuffer.wrap(answer.body()), callback);
            } catch (java.net.SocketTimeoutException e) {
                close(service);
                Ingress.plain(
                        response,
                        callback,
                        504,
                        "the service at " + target.host() + " did not answer within "
                                + target.options().readTimeout().toSeconds() + " s\n",
                        true);
            } catch (IOException | RuntimeException e) {
                close(service);
                Ingress.plain(
                        response,
                        callback,
                        502,
                        "the service at " + target.host() + " does not answer the upgrade: " + e.getMessage() + "\n",
                        true);
            }
        });
        return true;
    }

    /** Connects to the replica and sends it the request's head (no body: an upgrade request has none). */
    private static void connectAndAsk(Socket service, Request request, Ingress.Target target) throws IOException {
        service.connect(new InetSocketAddress("127.0.0.1", target.port()), 5_000);
        service.setSoTimeout((int) target.options().readTimeout().toMillis());
        service.setTcpNoDelay(true);
        Set<String> listed = new HashSet<>();
        for (String v : request.getHeaders().getCSV(HttpHeader.CONNECTION, false)) {
            listed.add(v.toLowerCase(Locale.ROOT));
        }
        listed.remove("upgrade");
        // Jetty's parser accepted these fields, so none holds a CR or LF: written back as they came.
        StringBuilder head = new StringBuilder("GET ")
                .append(request.getHttpURI().getPathQuery())
                .append(" HTTP/1.1\r\n");
        for (HttpField f : request.getHeaders()) {
            String name = f.getLowerCaseName();
            if (!DROPPED.contains(name) && !listed.contains(name)) {
                head.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
            }
        }
        head.append("Connection: Upgrade\r\n")
                .append("X-Forwarded-Host: ")
                .append(target.host())
                .append("\r\nX-Forwarded-For: ")
                .append(Request.getRemoteAddr(request))
                .append("\r\nX-Forwarded-Proto: http\r\n\r\n");
        OutputStream out = service.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The service's answer: status, headers, a refusal's body, and bytes already read past a 101's head. */
    // Carries one answer from read() to its caller, which owns the body; never compared or printed.
    @SuppressWarnings("ArrayRecordComponent")
    private record Answer(int status, HttpFields headers, byte[] body, ByteBuffer rest) {}

    private static Answer read(Socket service) throws IOException {
        HttpFields.Mutable headers = HttpFields.build();
        int[] status = {0};
        boolean[] headDone = {false};
        boolean[] done = {false};
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        HttpParser parser = new HttpParser(
                new HttpParser.ResponseHandler() {
                    @Override
                    public void startResponse(HttpVersion version, int code, String reason) {
                        status[0] = code;
                    }

                    @Override
                    public void parsedHeader(HttpField field) {
                        headers.add(field);
                    }

                    @Override
                    public boolean headerComplete() {
                        headDone[0] = true;
                        // After a 101 the bytes are the new protocol's: stop here and keep them.
                        return status[0] == HttpStatus.SWITCHING_PROTOCOLS_101;
                    }

                    @Override
                    public boolean content(ByteBuffer item) {
                        if (body.size() + item.remaining() > MAX_REFUSAL_BYTES) {
                            throw new IllegalStateException("its answer is over " + MAX_REFUSAL_BYTES + " bytes");
                        }
                        byte[] b = new byte[item.remaining()];
                        item.get(b);
                        body.writeBytes(b);
                        return false;
                    }

                    @Override
                    public boolean contentComplete() {
                        return false;
                    }

                    @Override
                    public boolean messageComplete() {
                        done[0] = true;
                        return true;
                    }

                    @Override
                    public void earlyEOF() {
                        done[0] = true;
                    }

                    @Override
                    public void badMessage(org.eclipse.jetty.http.HttpException failure) {
                        throw new IllegalStateException("it sent no valid HTTP: " + failure.getReason());
                    }
                },
                Ingress.MAX_RESPONSE_HEADER_BYTES);
        InputStream in = service.getInputStream();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        buffer.flip();
        while (true) {
            while (buffer.hasRemaining() && !done[0]) {
                boolean stop = parser.parseNext(buffer);
                if (stop && headDone[0] && status[0] == HttpStatus.SWITCHING_PROTOCOLS_101) {
                    ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
                    rest.put(buffer).flip();
                    return new Answer(status[0], headers, new byte[0], rest);
                }
            }
            if (done[0]) {
                if (status[0] == 0) {
                    throw new IOException("it closed the connection without an answer");
                }
                return new Answer(status[0], headers, body.toByteArray(), ByteBuffer.allocate(0));
            }
            buffer.clear();
            int n = in.read(buffer.array(), 0, buffer.capacity());
            if (n < 0) {
                buffer.limit(0);
                parser.atEOF();
                parser.parseNext(buffer);
                if (!done[0]) {
                    throw new IOException("it closed the connection in the middle of its answer");
                }
            } else {
                buffer.limit(n);
            }
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * The upgraded client connection, joined to the service's socket: bytes from the client are written to the
     * service on a virtual thread as they are filled, and bytes from the service to the client by another; when one
     * side ends its output the other's output is ended too, and once both are done both connections close.
     */
    private static final class Pipe extends AbstractConnection implements Connection.UpgradeTo {
        private final Socket service;
        private final ByteBuffer fromService;
        private final AtomicInteger halvesDone = new AtomicInteger();
        private final long idleMillis;
        private ByteBuffer fromClient = ByteBuffer.allocate(0);

        Pipe(EndPoint endPoint, Socket service, ByteBuffer fromService, Ingress.Options options) {
            super(endPoint, THREADS);
            this.service = service;
            this.fromService = fromService;
            this.idleMillis = options.readTimeout().toMillis();
        }

        @Override
        public void onUpgradeTo(ByteBuffer buffer) {
            fromClient = ByteBuffer.allocate(buffer.remaining());
            fromClient.put(buffer).flip();
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().setIdleTimeout(idleMillis);
            try {
                service.setSoTimeout(0);
            } catch (IOException e) {
                close();
                return;
            }
            THREADS.execute(() -> {
                try {
                    if (fromClient.hasRemaining()) {
                        service.getOutputStream().write(fromClient.array(), 0, fromClient.remaining());
                        service.getOutputStream().flush();
                    }
                    fillInterested();
                } catch (IOException e) {
                    close();
                }
            });
            THREADS.execute(this::serviceToClient);
        }

        @Override
        public void onFillable() {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            try {
                OutputStream out = service.getOutputStream();
                while (true) {
                    buffer.clear().flip();
                    int n = getEndPoint().fill(buffer);
                    if (n > 0) {
                        out.write(buffer.array(), buffer.position(), buffer.remaining());
                        out.flush();
                    } else if (n == 0) {
                        fillInterested();
                        return;
                    } else {
                        service.shutdownOutput();
                        halfDone();
                        return;
                    }
                }
            } catch (IOException e) {
                close();
            }
        }

        private void serviceToClient() {
            try {
                if (fromService.hasRemaining()) {
                    write(fromService);
                }
                InputStream in = service.getInputStream();
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n > 0) {
                        write(ByteBuffer.wrap(buf, 0, n));
                    }
                }
                getEndPoint().shutdownOutput();
                halfDone();
            } catch (IOException | InterruptedException | ExecutionException e) {
                close();
            }
        }

        private void write(ByteBuffer bytes) throws InterruptedException, ExecutionException {
            FutureCallback written = new FutureCallback();
            getEndPoint().write(written, bytes);
            written.get();
        }

        private void halfDone() {
            if (halvesDone.incrementAndGet() == 2) {
                close();
            }
        }

        @Override
        public void onClose(Throwable cause) {
            WebSocketTunnel.close(service);
            super.onClose(cause);
        }
    }
}
