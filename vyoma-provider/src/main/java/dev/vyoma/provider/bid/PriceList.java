package dev.vyoma.provider.bid;

import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider charges per block, in one denom: per CPU (1,000 millicores), per GiB of memory, per GiB of
 * storage by class ({@code ephemeral} for volumes that are not persistent, {@code ram} for memory-backed
 * ones, else the persistent class), per GPU by model ({@code h100}, or {@code *} for any other), and per
 * endpoint. Unlike Akash's scale strategy it prices GPUs, by the model the fit actually allocated.
 */
public record PriceList(
        String denom,
        BigDecimal perCpu,
        BigDecimal perGiBMemory,
        Map<String, BigDecimal> perGiBStorage,
        Map<String, BigDecimal> perGpu,
        BigDecimal perEndpoint) {
    /** 1 / 2^30 is exactly 5^30 / 10^30: a multiplication and a scale shift instead of a long division. */
    private static final BigDecimal FIVE_POW_30 = BigDecimal.valueOf(5).pow(30);

    public PriceList {
        Objects.requireNonNull(denom, "denom");
        perGiBStorage = Map.copyOf(perGiBStorage);
        perGpu = Map.copyOf(perGpu);
        for (BigDecimal p : java.util.List.of(perCpu, perGiBMemory, perEndpoint)) {
            if (p.signum() < 0) {
                throw new IllegalArgumentException("prices must not be negative");
            }
        }
        if (perGiBStorage.values().stream().anyMatch(p -> p.signum() < 0)
                || perGpu.values().stream().anyMatch(p -> p.signum() < 0)) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** The price of a group with the GPUs the reservation allocated, or why it cannot be priced. */
    public Priced price(GroupSpec group, Inventory.Reservation reservation) {
        BigDecimal total = BigDecimal.ZERO;
        for (ResourceUnit unit : group.resources()) {
            Resources r = unit.resources();
            BigDecimal one = perCpu.multiply(BigDecimal.valueOf(r.cpu().millicores()))
                    .movePointLeft(3)
                    .add(perGiB(perGiBMemory, r.memory().bytes()));
            for (Volume v : r.storage()) {
                String cls = v.attribute("class").equals("ram")
                        ? "ram"
                        : v.persistent() ? v.attribute("class") : "ephemeral";
                BigDecimal p = perGiBStorage.get(cls);
                if (p == null) {
                    return new Priced(null, "no price for storage class " + cls);
                }
                one = one.add(perGiB(p, v.bytes()));
            }
            if (r.gpu().units() > 0) {
                GpuDevice model = reservation.gpuModels().get(r.id());
                BigDecimal p = model == null ? null : perGpu.getOrDefault(model.model(), perGpu.get("*"));
                if (p == null) {
                    return new Priced(null, "no price for GPU model " + (model == null ? "?" : model.model()));
                }
                one = one.add(p.multiply(BigDecimal.valueOf(r.gpu().units())));
            }
            total = total.add(one.multiply(BigDecimal.valueOf(unit.count())))
                    .add(perEndpoint.multiply(BigDecimal.valueOf(r.endpoints().size())));
        }
        total = total.setScale(DecCoin.SCALE, RoundingMode.DOWN);
        if (total.signum() <= 0) {
            return new Priced(null, "the price list gives this order a price of zero");
        }
        return new Priced(new DecCoin(denom, total), "");
    }

    /** {@code perGiB × bytes / 2^30}, exactly (the same value a division gives). */
    static BigDecimal perGiB(BigDecimal perGiB, long bytes) {
        return perGiB.multiply(BigDecimal.valueOf(bytes)).multiply(FIVE_POW_30).scaleByPowerOfTen(-30);
    }

    /** A price, or (price null) the reason there is none. */
    public record Priced(DecCoin price, String why) {}
}
