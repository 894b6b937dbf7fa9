package dev.vyoma.sdl.manifest;

/** Confidential-compute request: {@code cpu} or {@code cpu-gpu}, always with attestation. */
public record TeeParams(String type, boolean attestation) {}
