package dev.vyoma.sdl.manifest;

import java.util.List;

/** What a workload may read about itself ({@code deployment}, {@code logs}, {@code events}); may be null. */
public record ServicePermissions(List<String> read) {
    public ServicePermissions {
        read = read == null ? null : List.copyOf(read);
    }
}
