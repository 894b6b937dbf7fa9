package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;

/**
 * A tenant's WebSocket app works through the ingress: the upgrade reaches a real WebSocket server (Jetty's), which
 * picks the subprotocol; text and binary messages go both ways unchanged; the service's close code and reason reach
 * the client; and a service that refuses the upgrade has its refusal passed back.
 */
class IngressWebSocketTest {
    /** The service: echoes text and binary messages, and closes with 4001 when told "bye". */
    public static final class Echo extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            if (message.equals("bye")) {
                getSession().close(4001, "bye now", Callback.NOOP);
            } else {
                getSession().sendText("echo " + message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
            copy.put(payload).flip();
            callback.succeed();
            getSession().sendBinary(copy, Callback.NOOP);
        }
    }

    /** The client's side: every message and the close, in order. */
    public static final class Recorder extends Session.Listener.AbstractAutoDemanding {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public void onWebSocketText(String message) {
            received.add(message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            received.add(b);
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int status, String reason) {
            closed.complete(status + " " + reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closed.complete("failed: " + cause.getMessage());
        }
    }

    @Test
    void webSocketMessagesAndCloseCodesPassThrough() throws Exception {
        AtomicReference<String> forwardedHost = new AtomicReference<>();
        Server service = new Server(new InetSocketAddress("127.0.0.1", 0));
        service.setHandler(WebSocketUpgradeHandler.from(
                service,
                container -> container.addMapping("/echo", (request, response, callback) -> {
                    forwardedHost.set(request.getHeaders().get("X-Forwarded-Host"));
                    if (request.getSubProtocols().contains("chat")) {
                        response.setAcceptedSubProtocol("chat");
                    }
                    return new Echo();
                })));
        service.start();
        int servicePort = ((ServerConnector) service.getConnectors()[0]).getLocalPort();

        HttpClient http = new HttpClient();
        // Every host name is this machine: the client asks for the tenant's host, as a browser would.
        http.setSocketAddressResolver(
                (host, port, context, promise) -> promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
        WebSocketClient client = new WebSocketClient(http);
        client.start();
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            ingress.route("ws", List.of(servicePort));
            URI uri = URI.create("ws://ws.ingress.localhost:" + ingress.port() + "/echo?room=1");
            ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
            upgrade.setSubProtocols("chat", "other");
            Recorder recorder = new Recorder();
            Session session = client.connect(recorder, uri, upgrade).get(10, TimeUnit.SECONDS);
            assertThat(session.getUpgradeResponse().getAcceptedSubProtocol()).isEqualTo("chat");
            assertThat(forwardedHost.get()).isEqualTo("ws.ingress.localhost");

            session.sendText("hello", Callback.NOOP);
            assertThat(recorder.received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hello");
            // Larger than one read of the tunnel's buffer, within the service's 64 KiB message limit.
            byte[] bytes = new byte[60_000];
            new java.util.Random(7).nextBytes(bytes);
            session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
            assertThat(java.util.Arrays.equals((byte[]) recorder.received.poll(10, TimeUnit.SECONDS), bytes))
                    .as("the binary message came back unchanged")
                    .isTrue();
            for (int i = 0; i < 50; i++) {
                session.sendText("m" + i, Callback.NOOP);
            }
            for (int i = 0; i < 50; i++) {
                assertThat(recorder.received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo m" + i);
            }

            session.sendText("bye", Callback.NOOP);
            assertThat(recorder.closed.get(10, TimeUnit.SECONDS)).isEqualTo("4001 bye now");

            // A path the service has no WebSocket at: its own refusal (Jetty's 404) comes back.
            assertThatThrownBy(() -> client.connect(
                                    new Recorder(),
                                    URI.create("ws://ws.ingress.localhost:" + ingress.port() + "/nowhere"))
                            .get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("404");

            // An unknown host is the ingress's 404, as for plain requests.
            assertThatThrownBy(() -> client.connect(
                                    new Recorder(),
                                    URI.create("ws://nope.ingress.localhost:" + ingress.port() + "/echo"))
                            .get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("404");
        } finally {
            client.stop();
            service.stop();
        }
    }
}
