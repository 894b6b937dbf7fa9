package dev.vyoma.provider.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ImageCredentials;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.ServiceParams;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The object builder with a hostile manifest: names that are not DNS labels, paths, env, credentials, sizes. Every
 * object of every fixture, and of random hostile names, keeps the provider's security settings and valid names.
 */
class LeaseObjectsTest {
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private static ManifestService service(
            String name,
            String image,
            List<String> env,
            List<Volume> volumes,
            List<StorageParams> mounts,
            ImageCredentials credentials) {
        return new ManifestService(
                name,
                image,
                null,
                List.of("-c", "echo"),
                env,
                new Resources(
                        1, new Cpu(500, List.of()), new Memory(128L << 20, List.of()), volumes, Gpu.NONE, List.of()),
                1,
                List.of(
                        new ServiceExpose(80, 80, Protocol.TCP, "", true, null, HttpOptions.DEFAULTS, "", 0),
                        new ServiceExpose(9000, 0, Protocol.UDP, "", true, null, HttpOptions.DEFAULTS, "", 0)),
                mounts.isEmpty() ? null : new ServiceParams(mounts, null, null),
                credentials);
    }

    private static ManifestService plain(String name) {
        return service(
                name,
                "nginx:1.27",
                List.of("A=1"),
                List.of(new Volume("default", 1L << 30, List.of())),
                List.of(),
                null);
    }

    private static LeaseObjects.Built build(ManifestService... services) throws Refused {
        return LeaseObjects.build(
                Fixtures.LEASE, new ManifestGroup("dc", List.of(services)), Fixtures.SETTINGS, Fixtures.CATALOG);
    }

    @Test
    void namesThatAreNotDnsLabelsBecomeSafeBoundedAndDistinct() throws Exception {
        Random random = new Random(20261207L);
        Map<String, String> seen = new java.util.HashMap<>();
        String alphabet = "aZ09-_.é/\\ $\u0000\n";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(1, 120);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String raw = b.toString();
            String label = Names.object(raw);
            assertThat(label)
                    .as("seed 20261207, name %s", raw)
                    .matches(DNS_1035)
                    .hasSizeLessThanOrEqualTo(47);
            assertThat(Names.object(raw)).isEqualTo(label);
            String before = seen.putIfAbsent(label, raw);
            assertThat(before).as("two names, one label: %s", label).isIn(null, raw);
        }
        assertThat(Names.object("web")).isEqualTo("web");
        assertThat(Names.object("Web")).isNotEqualTo(Names.object("web")).startsWith("web-");
        assertThat(Names.object("x".repeat(48))).hasSize(47).isNotEqualTo(Names.object("x".repeat(49)));
        assertThat(Names.namespace("a".repeat(30), Fixtures.LEASE)).hasSize(54).matches(DNS_1123);
    }

    @Test
    void aHostileServiceNameStillBuildsValidObjects() throws Exception {
        LeaseObjects.Built b = build(plain("../../kube-system"), plain("WEB\nx"));
        assertThat(b.objects()).allSatisfy(o -> {
            assertThat(o.getMetadata().getName()).matches(DNS_1123);
            if (!(o instanceof io.fabric8.kubernetes.api.model.Namespace)) {
                assertThat(o.getMetadata().getNamespace()).isEqualTo(b.namespace());
            }
        });
    }

    @Test
    void everyPodOfEveryFixtureRunsWithoutPrivilege() throws Exception {
        int pods = 0;
        for (Path f : LeaseObjectsGoldenTest.fixtures().values()) {
            var r = dev.vyoma.sdl.Sdl.parse(f);
            if (!(r instanceof dev.vyoma.sdl.SdlResult.Valid v)) {
                continue;
            }
            for (ManifestGroup g : Fixtures.groups(v)) {
                LeaseObjects.Built b;
                try {
                    b = LeaseObjects.build(Fixtures.LEASE, g, Fixtures.SETTINGS, Fixtures.CATALOG);
                } catch (Refused e) {
                    continue;
                }
                for (HasMetadata o : b.objects()) {
                    PodSpec p = o instanceof Deployment d
                            ? d.getSpec().getTemplate().getSpec()
                            : o instanceof StatefulSet s
                                    ? s.getSpec().getTemplate().getSpec()
                                    : null;
                    if (o instanceof Ingress i) {
                        assertThat(i.getSpec().getRules())
                                .allSatisfy(rule ->
                                        assertThat(rule.getHost()).matches("[0-9a-f]{12}\\.ingress\\.example\\.com"));
                    }
                    if (p == null) {
                        continue;
                    }
                    pods++;
                    assertThat(p.getAutomountServiceAccountToken()).isFalse();
                    assertThat(p.getEnableServiceLinks()).isFalse();
                    assertThat(p.getHostNetwork()).isNull();
                    assertThat(p.getHostPID()).isNull();
                    assertThat(p.getHostIPC()).isNull();
                    assertThat(p.getServiceAccountName()).isNull();
                    assertThat(p.getVolumes()).allSatisfy(vol -> {
                        assertThat(vol.getHostPath()).isNull();
                        assertThat(vol.getEmptyDir()).isNotNull();
                    });
                    assertThat(p.getContainers()).allSatisfy(c -> {
                        assertThat(c.getSecurityContext().getPrivileged()).isFalse();
                        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation())
                                .isFalse();
                        assertThat(c.getSecurityContext().getCapabilities().getDrop())
                                .containsExactly("ALL");
                        assertThat(c.getSecurityContext().getCapabilities().getAdd())
                                .isEmpty();
                        assertThat(c.getResources().getRequests())
                                .isEqualTo(c.getResources().getLimits());
                    });
                }
            }
        }
        assertThat(pods).isGreaterThan(50);
    }

    @Test
    void hostileTextIsRefusedWithTheFieldToFix() {
        List<Volume> disk = List.of(new Volume("default", 1L << 30, List.of()));
        Volume ram = new Volume("shm", 1L << 30, List.of(new dev.vyoma.sdl.spec.Attribute("class", "ram")));
        Volume scratch = new Volume("scratch", 1L << 30, List.of());
        assertThatThrownBy(() -> build(service("web", "nginx; rm -rf /", List.of(), disk, List.of(), null)))
                .hasMessageContaining("is not an image reference");
        assertThatThrownBy(() -> build(service("web", "nginx", List.of("BAD NAME=x"), disk, List.of(), null)))
                .hasMessageContaining("env entry BAD NAME=x is not NAME=value");
        assertThatThrownBy(() -> build(service("web", "nginx", List.of("A=\u0000"), disk, List.of(), null)))
                .hasMessageContaining("NUL");
        for (String path : List.of("/proc/self", "/a/../etc", "/", "relative", "/dev/sda", "/x:y", "/etc//x")) {
            assertThatThrownBy(() -> build(service(
                            "web",
                            "nginx",
                            List.of(),
                            List.of(scratch),
                            List.of(new StorageParams("scratch", path, false)),
                            null)))
                    .as(path)
                    .hasMessageContaining("mount path");
        }
        // Shared memory is where GPU workloads put their ram volume; no other volume may go under /dev.
        assertThatThrownBy(() -> build(service(
                        "web",
                        "nginx",
                        List.of(),
                        List.of(scratch),
                        List.of(new StorageParams("scratch", "/dev/shm", false)),
                        null)))
                .hasMessageContaining("mount path /dev/shm");
        assertThat(catchRefused(() -> build(service(
                        "web",
                        "nginx",
                        List.of(),
                        List.of(ram),
                        List.of(new StorageParams("shm", "/dev/shm", false)),
                        null))))
                .isNull();
        assertThatThrownBy(() -> build(service(
                        "web",
                        "evil.example.com/img",
                        List.of(),
                        disk,
                        List.of(),
                        new ImageCredentials("registry.example.com", "", "u", "p"))))
                .hasMessageContaining("credentials are for registry registry.example.com but image"
                        + " evil.example.com/img is pulled from evil.example.com");
        assertThatThrownBy(() -> build(service(
                        "web",
                        "registry.example.com/img",
                        List.of(),
                        disk,
                        List.of(),
                        new ImageCredentials("registry.example.com", "", "u\nx", "p"))))
                .hasMessageContaining("one line of printable characters");
        assertThatThrownBy(() -> build(service(
                        "web",
                        "nginx",
                        List.of(),
                        List.of(new Volume(
                                "data",
                                1L << 30,
                                List.of(
                                        new dev.vyoma.sdl.spec.Attribute("class", "beta9"),
                                        new dev.vyoma.sdl.spec.Attribute("persistent", "true")))),
                        List.of(new StorageParams("data", "/data", false)),
                        null)))
                .hasMessageContaining("asks for storage class beta9, which this provider does not offer");
        assertThatThrownBy(() -> LeaseObjects.build(
                        "vyoma1tenant/1/1/1/" + "p".repeat(64),
                        new ManifestGroup("dc", List.of(plain("web"))),
                        Fixtures.SETTINGS,
                        Fixtures.CATALOG))
                .hasMessageContaining("is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER");
    }

    @Test
    void thePullSecretHoldsTheCredentialsForTheImagesRegistryOnly() throws Exception {
        LeaseObjects.Built b = build(service(
                "web",
                "registry.example.com/team/app:1",
                List.of(),
                List.of(new Volume("default", 1L << 30, List.of())),
                List.of(),
                new ImageCredentials("https://registry.example.com", "", "robot", "s3cret")));
        var secret = b.objects().stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Secret)
                .map(o -> (io.fabric8.kubernetes.api.model.Secret) o)
                .findFirst()
                .orElseThrow();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        String json =
                new String(java.util.Base64.getDecoder().decode(secret.getData().get(".dockerconfigjson")));
        assertThat(json).contains("\"registry.example.com\"", "\"robot\"", "\"s3cret\"");
        Deployment d = (Deployment) b.objects().stream()
                .filter(o -> o instanceof Deployment)
                .findFirst()
                .orElseThrow();
        assertThat(d.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(r -> r.getName())
                .containsExactly(secret.getMetadata().getName());
    }

    private static Refused catchRefused(ThrowingRunnable r) {
        try {
            r.run();
            return null;
        } catch (Refused e) {
            return e;
        }
    }

    private interface ThrowingRunnable {
        void run() throws Refused;
    }
}
