package dev.vyoma.provider.bid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * GPUs found on this machine with {@code nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits},
 * named as Akash's GPU registry names them: the model in lower case without the vendor's product-line words
 * ({@code NVIDIA H100 80GB HBM3} → {@code h100}, {@code NVIDIA GeForce RTX 4090} → {@code rtx4090},
 * {@code NVIDIA A100-SXM4-80GB} → {@code a100}), memory as the board is sold ({@link #marketedGib}), and the
 * interface read from the name: {@code PCIe}, or SXM for SXM boards and the HBM3 H100 boards. nvidia-smi does
 * not report the form factor itself, so a name that says neither counts as PCIe; provider.yaml can declare
 * the GPUs instead where that is wrong.
 */
public final class GpuDiscovery {
    private GpuDiscovery() {}

    /** Runs nvidia-smi; an {@link IOException} says why there are no GPUs to report (absent, failed, timed out). */
    public static List<GpuDevice> discover() throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IOException(
                    "nvidia-smi is not on this machine's PATH; declare the GPUs in provider.yaml instead", e);
        }
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("nvidia-smi did not answer within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for nvidia-smi", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("nvidia-smi failed (exit " + p.exitValue() + "): "
                    + out.lines().findFirst().orElse(""));
        }
        return parse(out);
    }

    /** Reads nvidia-smi's CSV ({@code name, memory in MiB} per line). */
    public static List<GpuDevice> parse(String csv) {
        List<GpuDevice> out = new ArrayList<>();
        for (String line :
                csv.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            int comma = line.lastIndexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("not a line of nvidia-smi's CSV: " + line);
            }
            String name = line.substring(0, comma).strip();
            long mib;
            try {
                mib = Long.parseLong(line.substring(comma + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("no memory size in MiB in: " + line);
            }
            long gib = marketedGib(mib);
            out.add(new GpuDevice("nvidia", model(name), gib << 30, iface(name)));
        }
        return out;
    }

    /** GPU memory sizes as boards are sold (and as Akash's registry lists them), in GiB. */
    private static final long[] MARKETED_GIB = {
        4, 6, 8, 10, 11, 12, 16, 20, 24, 32, 40, 48, 64, 80, 94, 96, 141, 180, 192
    };

    /**
     * nvidia-smi reports the memory left after ECC and driver reservations (an 80 GB H100 shows 79.6 GiB, a
     * 48 GB L40S 45 GiB): the next marketed size within 10 % above it, else the nearest whole GiB.
     */
    static long marketedGib(long mib) {
        double gib = mib / 1024.0;
        for (long m : MARKETED_GIB) {
            if (m >= gib - 0.05 && m <= gib * 1.10) {
                return m;
            }
        }
        return Math.round(gib);
    }

    static String model(String name) {
        String n =
                name.replaceAll("(?i)\\b(nvidia|geforce|tesla|quadro)\\b", " ").strip();
        String[] words = n.split("\\s+", -1);
        if (words.length >= 2 && words[0].equalsIgnoreCase("rtx") && words[1].matches("\\d+\\w*")) {
            return ("rtx" + words[1]).toLowerCase(Locale.ROOT);
        }
        if (words.length >= 2 && words[0].equalsIgnoreCase("rtx")) {
            return words[1].toLowerCase(Locale.ROOT);
        }
        return words[0].split("-", 2)[0].toLowerCase(Locale.ROOT);
    }

    static String iface(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("pcie")) {
            return "pcie";
        }
        if (n.contains("sxm") || ((n.contains("h100") || n.contains("h200")) && n.contains("hbm3"))) {
            return "sxm";
        }
        return "pcie";
    }
}
