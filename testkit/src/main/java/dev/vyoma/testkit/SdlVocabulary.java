package dev.vyoma.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The words {@link SdlGenerator} builds documents from: service, volume and placement names, images, text pieces
 * that need care in YAML, storage classes, GPU models and memory, protocols in any case, {@code next_cases},
 * attribute keys and values, the alphabets of names, and random bech32-looking addresses.
 */
final class SdlVocabulary {
    private SdlVocabulary() {}

    static final List<String> SERVICE_WORDS = List.of(
            "web",
            "api",
            "db",
            "cache",
            "worker",
            "proxy",
            "redis",
            "app",
            "frontend",
            "backend",
            "queue",
            "search",
            "llm",
            "metrics",
            "grafana",
            "node");
    static final List<String> IMAGES = List.of(
            "nginx:1.27",
            "redis:7-alpine",
            "postgres:16",
            "ghcr.io/example/app:v1.2.3",
            "docker.io/library/busybox:latest",
            "vllm/vllm-openai:v0.6.3",
            "quay.io/prometheus/node-exporter",
            "registry.example.com:5000/team/svc@sha256:"
                    + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    static final List<String> TEXT_PIECES = List.of(
            "a", "b", "x1", "--flag", " ", "=", ":", ": ", "#", " #", "\"", "'", "\\", "\\n", "{", "}", "[", "]", ",",
            "&", "*", "!", "|", ">", "%", "@", "`", "-", "?", "é", "日本", "🚀", "\t", "true", "null", "0x1F", "1e3",
            "~");
    static final List<String> VOLUME_NAMES =
            List.of("data", "cache", "logs", "shm", "scratch", "media", "db", "uploads", "models", "tmp");
    static final List<String> STORAGE_CLASSES = List.of("beta1", "beta2", "beta3");
    static final List<String> GPU_MODELS = List.of("h100", "a100", "rtx4090", "t4", "l40s", "a6000", "h200");
    static final List<String> GPU_RAM = List.of("16Gi", "24Gi", "40Gi", "48Gi", "80Gi", "141Gi");
    static final List<String> PROTOCOLS = List.of("tcp", "TCP", "Tcp", "udp", "UDP", "uDp");
    static final List<String> NEXT_CASES = List.of("error", "timeout", "500", "502", "503", "504", "403", "404", "429");
    static final List<String> PLACEMENT_WORDS =
            List.of("dcloud", "akash", "westcoast", "eu", "gpu-pool", "global", "edge", "asia");
    static final List<String> ATTRIBUTE_KEYS = List.of("region", "tier", "host", "organization", "zone");
    static final List<String> ATTRIBUTE_VALUES =
            List.of("us-west", "eu-central", "community", "akash", "premium", "true", "1", "a b");
    static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    static final String LOWER_DIGITS = LOWER + "0123456789";

    /** One or two random bech32-looking {@code akash1…} addresses drawn from {@code random}. */
    static List<Object> addresses(SplittableRandom random) {
        List<Object> out = new ArrayList<>();
        for (int i = random.nextInt(1, 3); i > 0; i--) {
            StringBuilder sb = new StringBuilder("akash1");
            for (int k = 0; k < 38; k++) {
                sb.append(BECH32.charAt(random.nextInt(BECH32.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
