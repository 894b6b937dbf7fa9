/**
 * The container runtime: a lease's services as OCI containers on a Docker-API engine (Podman's {@code podman
 * system service} or Docker) reached over a Unix socket. It owns the translation from manifest to containers
 * ({@link dev.vyoma.provider.runtime.container.ManifestPlanner}: one network per lease, one container per replica
 * with the SDL's image, command, args and env only, CPU, memory and pids limits, tmpfs for {@code ram} volumes,
 * named volumes for persistent ones), the labels that let a restarted provider take its containers back, the
 * reconcile loop that restarts exited replicas with backoff, readiness, and logs.
 */
package dev.vyoma.provider.runtime.container;
