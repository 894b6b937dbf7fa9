package dev.vyoma.provider.runtime;

import dev.vyoma.sdl.manifest.HttpOptions;
import java.time.Duration;
import java.util.List;

/**
 * The real {@link Ingress} in a JVM of its own, for tests that bound its heap: {@code IngressProcess BACKEND_PORT}
 * routes {@code big.ingress.localhost} to the backend with the largest body the SDL allows, prints {@code ingress
 * PORT}, and runs until its standard input closes.
 */
public final class IngressProcess {
    private IngressProcess() {}

    public static void main(String[] args) throws Exception {
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            ingress.route(
                    "big",
                    List.of(Integer.parseInt(args[0])),
                    new Ingress.Options(HttpOptions.MAX_BODY_SIZE, Duration.ofSeconds(60)));
            System.out.println("ingress " + ingress.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
