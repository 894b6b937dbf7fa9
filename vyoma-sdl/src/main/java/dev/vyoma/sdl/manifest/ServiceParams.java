package dev.vyoma.sdl.manifest;

import java.util.List;

/**
 * A service's {@code params}. {@code storage} is {@code null} when no mounts are declared; {@code
 * permissions} and {@code tee} are {@code null} when absent.
 */
public record ServiceParams(List<StorageParams> storage, ServicePermissions permissions, TeeParams tee) {
    public ServiceParams {
        storage = storage == null ? null : List.copyOf(storage);
    }
}
