package dev.vyoma.sdl.manifest;

/** Where a service mounts one of its volumes. */
public record StorageParams(String name, String mount, boolean readOnly) {}
