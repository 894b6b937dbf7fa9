package dev.vyoma.sdl.spec;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One deployment group: everything placed with one SDL placement profile, leased from one provider. The
 * ledger creates one order per group.
 */
public record GroupSpec(String name, PlacementRequirements requirements, List<ResourceUnit> resources) {
    public GroupSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requirements, "requirements");
        resources = List.copyOf(resources);
    }

    /** The group's price per block: the sum over its resource units of price times count. */
    public DecCoin price() {
        BigDecimal total = BigDecimal.ZERO;
        String denom = resources.isEmpty() ? "" : resources.get(0).price().denom();
        for (ResourceUnit unit : resources) {
            total = total.add(unit.fullPrice().amount());
        }
        return new DecCoin(denom, total);
    }
}
