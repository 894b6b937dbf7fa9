package dev.vyoma.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The machines of a network, on one host: a bridge, and per validator a network namespace with its own address on
 * it (10.213.77.1, .2, …), joined by a veth pair, and a data directory on a size-limited file system (tmpfs) of
 * its own. The host reaches every validator at its address through the bridge ({@link #HOST_ADDRESS}); partitions
 * are DROP rules in the validators' namespaces that match other validators' addresses only, so clients still
 * reach every member. Everything carries the prefix {@code vyf}; {@link #open} first removes what an earlier run
 * that was killed left behind, and {@link #close} removes all of it. One testbed per host at a time (a lock).
 */
final class Testbed implements AutoCloseable {
    static final String PREFIX = "vyf";
    static final String BRIDGE = PREFIX + "-br";
    static final String SUBNET = "10.213.77";
    static final String HOST_ADDRESS = SUBNET + ".254";
    /** Where runs keep their data (mount points) and logs. */
    static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "vyoma-faults");

    private static final Path LOCK = Path.of("/run/vyoma-faults.lock");
    private static final String RULE_COMMENT = "vyoma-faults";

    private final int size;
    private final Path runDir;
    private final long diskBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Cleans up if the JVM is stopped (SIGTERM, Ctrl-C) while the testbed is up. */
    private final Thread cleanup = new Thread(this::close, "testbed-cleanup");

    private boolean closed;

    private Testbed(int size, Path runDir, long diskBytes, FileChannel lockChannel, FileLock lock) {
        this.size = size;
        this.runDir = runDir;
        this.diskBytes = diskBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Says what is missing for a testbed on this host (root, {@code ip netns}, iptables, tmpfs mounts), or nothing
     * when one can be made.
     */
    static String missing() {
        List<String> missing = new ArrayList<>();
        Shell.Result id = Shell.run("id", "-u");
        if (!id.ok() || !id.output().equals("0")) {
            missing.add("root (network namespaces, iptables and mounts need it; run as root, as CI does)");
        }
        if (!Shell.run("ip", "netns", "list").ok()) {
            missing.add("iproute2 with network namespaces (`ip netns`)");
        }
        if (!Shell.run("iptables", "--version").ok()) {
            missing.add("iptables (partitions are DROP rules in each validator's namespace)");
        }
        if (!Shell.run("mount", "--version").ok()) {
            missing.add("mount (each validator's data lives on a size-limited tmpfs)");
        }
        return String.join("; ", missing);
    }

    /** Makes the network and the data directories of {@code size} validators, each disk {@code diskBytes} large. */
    static Testbed open(int size, long diskBytes) throws IOException {
        String missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the fault campaign needs " + missing);
        }
        FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        Path runDir;
        try {
            lock = channel.lock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        try {
            removeLeftovers();
            runDir = ROOT.resolve("run-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
            Files.createDirectories(runDir.resolve("logs"));
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
        // From here the testbed owns the lock: closing it releases it.
        Testbed bed = new Testbed(size, runDir, diskBytes, channel, lock);
        Runtime.getRuntime().addShutdownHook(bed.cleanup);
        try {
            bed.build();
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    private void build() throws IOException {
        Shell.must("ip", "link", "add", BRIDGE, "type", "bridge");
        Shell.must("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", BRIDGE);
        Shell.must("ip", "link", "set", BRIDGE, "up");
        // Bridged frames may pass the host's FORWARD chain (br_netfilter): let the validators' traffic through.
        Shell.must(
                "iptables",
                "-w",
                "-I",
                "FORWARD",
                "-i",
                BRIDGE,
                "-o",
                BRIDGE,
                "-m",
                "comment",
                "--comment",
                RULE_COMMENT,
                "-j",
                "ACCEPT");
        for (int i = 0; i < size; i++) {
            String ns = namespace(i);
            Shell.must("ip", "netns", "add", ns);
            Shell.must("ip", "link", "add", hostVeth(i), "type", "veth", "peer", "name", "eth0", "netns", ns);
            Shell.must("ip", "link", "set", hostVeth(i), "master", BRIDGE, "up");
            Shell.must("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            Shell.must("ip", "-n", ns, "link", "set", "eth0", "up");
            Shell.must("ip", "-n", ns, "link", "set", "lo", "up");
            Path data = dataDir(i);
            Files.createDirectories(data);
            Shell.must(
                    "mount",
                    "-t",
                    "tmpfs",
                    "-o",
                    "size=" + diskBytes + ",mode=0700",
                    PREFIX + "-n" + i,
                    data.toString());
        }
    }

    /** Removes namespaces, links, rules, mounts and processes left by a run that did not get to clean up. */
    static void removeLeftovers() throws IOException {
        removeLeftovers(true);
    }

    /** As {@link #removeLeftovers()}; with {@code files} false the runs' logs stay for reading. */
    private static void removeLeftovers(boolean files) throws IOException {
        for (String ns : Shell.run("ip", "netns", "list").output().lines().toList()) {
            String name = ns.split("\\s+", 2)[0];
            if (name.startsWith(PREFIX + "-")) {
                killAll(name);
                Shell.run("ip", "netns", "del", name);
            }
        }
        for (String line :
                Shell.run("ip", "-o", "link", "show").output().lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length > 1) {
                String link = parts[1].split("@", 2)[0];
                if (link.startsWith(PREFIX + "-")) {
                    Shell.run("ip", "link", "del", link);
                }
            }
        }
        while (Shell.run(
                        "iptables",
                        "-w",
                        "-D",
                        "FORWARD",
                        "-i",
                        BRIDGE,
                        "-o",
                        BRIDGE,
                        "-m",
                        "comment",
                        "--comment",
                        RULE_COMMENT,
                        "-j",
                        "ACCEPT")
                .ok()) {
            // one rule per earlier run
        }
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
        for (String line : mounts) {
            String[] f = line.split(" ", 3);
            if (f.length > 1 && f[1].startsWith(ROOT.toString() + "/")) {
                Shell.run("umount", "-l", f[1]);
            }
        }
        if (files && Files.isDirectory(ROOT)) {
            try (Stream<Path> walk = Files.walk(ROOT)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void killAll(String namespace) {
        for (String pid :
                Shell.run("ip", "netns", "pids", namespace).output().lines().toList()) {
            if (pid.matches("[0-9]+")) {
                Shell.run("kill", "-9", pid);
            }
        }
    }

    int size() {
        return size;
    }

    static String namespace(int i) {
        return PREFIX + "-n" + i;
    }

    private static String hostVeth(int i) {
        return PREFIX + "-h" + i;
    }

    /** Validator {@code i}'s address: its "machine". */
    static String address(int i) {
        return SUBNET + "." + (i + 1);
    }

    /** Validator {@code i}'s data directory: its home, on a file system of its own. */
    Path dataDir(int i) {
        return runDir.resolve("node" + i);
    }

    Path log(int i) {
        return runDir.resolve("logs").resolve("n" + i + ".log");
    }

    Path runDir() {
        return runDir;
    }

    /** The command that runs {@code command} inside validator {@code i}'s namespace. */
    static List<String> inNamespace(int i, List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
        out.addAll(command);
        return out;
    }

    /** Validator {@code i} neither sends to nor receives from any of {@code others}. */
    void cut(int i, Set<Integer> others) {
        for (int o : others) {
            drop(i, "INPUT", "-s", address(o));
            drop(i, "OUTPUT", "-d", address(o));
        }
    }

    /** Validator {@code to} no longer receives what {@code from} sends; the other way still works. */
    void cutOneWay(int from, int to) {
        drop(to, "INPUT", "-s", address(from));
    }

    private void drop(int i, String chain, String direction, String address) {
        Shell.must(
                "ip", "netns", "exec", namespace(i), "iptables", "-w", "-A", chain, direction, address, "-j", "DROP");
    }

    /** Removes every partition rule. */
    void heal() {
        for (int i = 0; i < size; i++) {
            Shell.must("ip", "netns", "exec", namespace(i), "iptables", "-w", "-F");
        }
    }

    /** Fills validator {@code i}'s disk to the last byte with a file of its own; returns the bytes written. */
    long fillDisk(int i) {
        Path filler = dataDir(i).resolve("filler");
        long written = 0;
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int size = chunk.length; size >= 512; ) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException e) {
            // The close found the disk full too: what was written stays.
        }
        return written;
    }

    /** Frees what {@link #fillDisk} took. */
    void freeDisk(int i) {
        try {
            Files.deleteIfExists(dataDir(i).resolve("filler"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is already stopping: the hook runs this anyway
            }
        }
        try {
            for (int i = 0; i < size; i++) {
                killAll(namespace(i));
            }
            removeLeftovers(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // the lock goes with the process
            }
        }
    }
}
