package dev.vyoma.ledger.sim;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlResult;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SDL files simulated tenants deploy: groups with and without placement attributes, auditor
 * signatures (any of, all of), GPUs and persistent storage classes, and two groups in one deployment.
 * Each is parsed once per price and cached; the map is only looked up, never iterated.
 */
final class SdlCatalog {
    /** The shapes of deployment the tenants choose from. */
    enum Variant {
        WEB,
        REGION,
        AUDITED_ANY,
        AUDITED_ALL,
        GPU_H100,
        GPU_A100,
        STORAGE_BETA2,
        TWO_GROUPS
    }

    /**
     * Unit prices per block, integral and fractional (18 decimals): cheap ones that last, dear ones that run out.
     */
    static final String[] PRICES = {
        "1",
        "7.5",
        "33.333333333333333333",
        "100",
        "250",
        "999.999999999999999999",
        "1500",
        "4000",
        "0.000000000000000001"
    };

    private static final String HEADER = """
            version: "2.0"
            services:
              web:
                image: nginx:1.27
                expose:
                  - port: 80
                    to:
                      - global: true
            """;

    private static final String WEB_COMPUTE = """
                web:
                  resources:
                    cpu: {units: 1}
                    memory: {size: 512Mi}
                    storage: {size: 1Gi}
            """;

    private static final String WEB_DEPLOYMENT = """
            deployment:
              web:
                dc: {profile: web, count: COUNT}
            """;

    /** Parsed documents by text: parsing is a pure function, so runs of the same seed share them. */
    private static final Map<String, SdlDocument> CACHE = new HashMap<>();

    private final String auditor;
    private final String auditor2;

    SdlCatalog(String auditor, String auditor2) {
        this.auditor = auditor;
        this.auditor2 = auditor2;
    }

    /** The document of {@code variant} with unit prices {@code price} (and {@code price2} for a second group). */
    SdlDocument get(Variant variant, String price, String price2, int count) {
        String text = text(variant)
                .replace("PRICE2", price2)
                .replace("PRICE", price)
                .replace("COUNT", Integer.toString(count))
                .replace("AUDITOR2", auditor2)
                .replace("AUDITOR", auditor);
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(text, t -> parse(t, variant.name().toLowerCase(Locale.ROOT) + ".yaml"));
        }
    }

    private static SdlDocument parse(String text, String name) {
        SdlResult result = Sdl.parse(text, name);
        if (!result.isValid()) {
            throw new IllegalStateException("simulation SDL " + name + " is invalid: " + result.errors() + "\n" + text);
        }
        return result.document();
    }

    private static String text(Variant v) {
        return switch (v) {
            case WEB -> HEADER + "profiles:\n  compute:\n" + WEB_COMPUTE + placement("", "") + WEB_DEPLOYMENT;
            case REGION ->
                HEADER + "profiles:\n  compute:\n" + WEB_COMPUTE
                        + placement("      attributes: {region: us-west}\n", "") + WEB_DEPLOYMENT;
            case AUDITED_ANY ->
                HEADER + "profiles:\n  compute:\n" + WEB_COMPUTE
                        + placement("      attributes: {region: us-west}\n", "      signedBy: {anyOf: [AUDITOR]}\n")
                        + WEB_DEPLOYMENT;
            case AUDITED_ALL ->
                HEADER + "profiles:\n  compute:\n" + WEB_COMPUTE
                        + placement(
                                "      attributes: {region: us-east}\n",
                                "      signedBy: {allOf: [AUDITOR, AUDITOR2]}\n")
                        + WEB_DEPLOYMENT;
            case GPU_H100 -> gpu("h100");
            case GPU_A100 -> gpu("a100");
            case STORAGE_BETA2 -> """
                    version: "2.0"
                    services:
                      db:
                        image: postgres:16
                        expose:
                          - port: 5432
                            to:
                              - global: true
                        params:
                          storage:
                            data:
                              mount: /var/lib/postgresql/data
                    profiles:
                      compute:
                        db:
                          resources:
                            cpu: {units: 500m}
                            memory: {size: 1Gi}
                            storage:
                              - size: 1Gi
                              - name: data
                                size: 20Gi
                                attributes:
                                  persistent: true
                                  class: beta2
                      placement:
                        dc:
                          pricing:
                            db: {denom: uusd, amount: PRICE}
                    deployment:
                      db:
                        dc: {profile: db, count: COUNT}
                    """;
            case TWO_GROUPS -> """
                    version: "2.0"
                    services:
                      web:
                        image: nginx:1.27
                        expose:
                          - port: 80
                            to:
                              - global: true
                      worker:
                        image: busybox:1.36
                    profiles:
                      compute:
                        web:
                          resources:
                            cpu: {units: 1}
                            memory: {size: 512Mi}
                            storage: {size: 1Gi}
                        worker:
                          resources:
                            cpu: {units: 250m}
                            memory: {size: 256Mi}
                            storage: {size: 512Mi}
                      placement:
                        west:
                          attributes: {region: us-west}
                          pricing:
                            web: {denom: uusd, amount: PRICE}
                        east:
                          attributes: {region: us-east}
                          pricing:
                            worker: {denom: uusd, amount: PRICE2}
                    deployment:
                      web:
                        west: {profile: web, count: COUNT}
                      worker:
                        east: {profile: worker, count: 1}
                    """;
        };
    }

    private static String placement(String attributes, String signedBy) {
        return "  placement:\n    dc:\n" + attributes + signedBy
                + "      pricing:\n        web: {denom: uusd, amount: PRICE}\n";
    }

    private static String gpu(String model) {
        return """
                version: "2.0"
                services:
                  trainer:
                    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime
                    expose:
                      - port: 8888
                        to:
                          - global: true
                profiles:
                  compute:
                    trainer:
                      resources:
                        cpu: {units: 4}
                        memory: {size: 16Gi}
                        storage: {size: 50Gi}
                        gpu:
                          units: 1
                          attributes:
                            vendor:
                              nvidia:
                                - model: MODEL
                  placement:
                    dc:
                      pricing:
                        trainer: {denom: uusd, amount: PRICE}
                deployment:
                  trainer:
                    dc: {profile: trainer, count: COUNT}
                """.replace("MODEL", model);
    }
}
