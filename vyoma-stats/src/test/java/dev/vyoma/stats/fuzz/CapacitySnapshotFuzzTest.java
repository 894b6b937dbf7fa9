package dev.vyoma.stats.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.stats.capacity.CapacitySnapshot;
import dev.vyoma.stats.capacity.CapacitySnapshot.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes {@link CapacitySnapshot#fromStatus} with the status JSON a provider answers to the stats indexer; anyone
 * can register as a provider, so the answer is a stranger's. JSON that parses is either refused with an {@link
 * IllegalArgumentException} (stored as a failed poll) or read into a snapshot whose amounts are whole numbers from
 * 0, with the storage classes summed, as the dashboards add them up.
 */
class CapacitySnapshotFuzzTest {
    /** As the client's ProviderGateway reads the answer. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Address PROVIDER = Address.MIN;

    @FuzzTest
    void fromStatus(byte[] answer) {
        JsonNode status;
        try {
            status = JSON.readTree(answer);
        } catch (JacksonException e) {
            return; // Not JSON: the client refuses it before the snapshot is read.
        }
        if (status == null) {
            return;
        }
        CapacitySnapshot s;
        try {
            s = CapacitySnapshot.fromStatus(PROVIDER, 1_800_000_000_000L, status);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(s.ok()).isTrue();
        assertThat(s.activeLeases()).isNotNegative();
        for (Resource r : new Resource[] {s.cpu(), s.memory(), s.storage()}) {
            assertNatural(r);
        }
        // Storage is the sum over the classes the provider lists.
        long total = 0;
        long allocatable = 0;
        long allocated = 0;
        long reserved = 0;
        for (JsonNode cls : status.path("storage")) {
            total += cls.path("total").asLong();
            allocatable += cls.path("allocatable").asLong();
            allocated += cls.path("allocated").asLong();
            reserved += cls.has("reserved") ? cls.path("reserved").asLong() : 0;
        }
        assertThat(s.storage()).isEqualTo(new Resource(total, allocatable, allocated, reserved));
        for (CapacitySnapshot.GpuModel g : s.gpus()) {
            assertThat(g.vendor()).isNotEmpty();
            assertThat(g.model()).isNotEmpty();
            assertNatural(g.count());
        }
    }

    private static void assertNatural(Resource r) {
        assertThat(r.total()).isNotNegative();
        assertThat(r.allocatable()).isNotNegative();
        assertThat(r.allocated()).isNotNegative();
        assertThat(r.reserved()).isNotNegative();
    }
}
