package dev.vyoma.provider.runtime.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A provider's container runtime in a process of its own, for the kill -9 test: {@code SOCKET OWNER STATE LEASE
 * MANIFEST.json}; deploys the manifest, prints {@code deployed} and waits to be killed.
 */
public final class RuntimeChild {
    private RuntimeChild() {}

    public static void main(String[] args) throws Exception {
        ContainerRuntime runtime =
                ContainerRuntime.connect(Optional.of(EngineAddress.parse(args[0])), args[1], Path.of(args[2]));
        runtime.deploy(
                args[3],
                dev.vyoma.sdl.manifest.ManifestReader.read(Files.readAllBytes(Path.of(args[4])))
                        .groups()
                        .get(0));
        System.out.println("deployed");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
