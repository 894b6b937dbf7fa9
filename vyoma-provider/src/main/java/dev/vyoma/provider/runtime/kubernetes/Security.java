package dev.vyoma.provider.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security contexts of every lease's pods, fixed by the provider (nothing in them comes from a manifest): the
 * container runtime's default seccomp profile, no privilege, no privilege escalation, every capability dropped. The
 * one sysctl set lets a process without capabilities listen on ports under 1024 (port 80 as most images do); it is
 * namespaced to the pod's network, and Kubernetes counts it as safe.
 */
final class Security {
    private Security() {}

    static PodSecurityContext pod() {
        return new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .addNewSysctl()
                .withName("net.ipv4.ip_unprivileged_port_start")
                .withValue("0")
                .endSysctl()
                .build();
    }

    static SecurityContext container() {
        return new SecurityContextBuilder()
                .withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build();
    }
}
