package dev.vyoma.ledger.deployment;

import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The chain's rules for group specs (Akash's limits, which the SDL parser also applies): the ledger
 * never trusts a client to have run them. Returns null when valid, else a one-line reason.
 */
public final class GroupSpecRules {
    public static final int MAX_GROUPS = 20;
    public static final int MAX_UNITS_PER_GROUP = 20;
    public static final int MAX_COUNT = 50;
    public static final long MIN_CPU_MILLIS = 10;
    public static final long MAX_CPU_MILLIS = 384_000;
    public static final long MAX_GPU_UNITS = 24;
    public static final long MIN_MEMORY_BYTES = 1L << 20;
    public static final long MAX_MEMORY_BYTES = 2L << 40;
    public static final long MIN_STORAGE_BYTES = 5L << 20;
    public static final long MAX_STORAGE_BYTES = 32L << 40;
    public static final BigDecimal MAX_UNIT_PRICE = BigDecimal.valueOf(10_000_000);
    static final Pattern ATTRIBUTE_KEY = Pattern.compile("^([a-zA-Z][\\w/.\\-]{1,126}[\\w*]?)$");

    private GroupSpecRules() {}

    /** Checks a deployment's groups, all priced in {@code denom}. */
    public static String check(List<GroupSpec> groups, String denom) {
        if (groups.isEmpty()) {
            return "a deployment needs at least one group";
        }
        if (groups.size() > MAX_GROUPS) {
            return "a deployment may have at most " + MAX_GROUPS + " groups, got " + groups.size();
        }
        Set<String> names = new HashSet<>();
        for (GroupSpec g : groups) {
            if (g.name().isEmpty()) {
                return "a group needs a name";
            }
            if (!names.add(g.name())) {
                return "group name " + g.name() + " is used twice";
            }
            String why = group(g, denom);
            if (why != null) {
                return "group " + g.name() + ": " + why;
            }
        }
        return null;
    }

    private static String group(GroupSpec g, String denom) {
        if (g.resources().isEmpty() || g.resources().size() > MAX_UNITS_PER_GROUP) {
            return "needs 1–" + MAX_UNITS_PER_GROUP + " resource units, got "
                    + g.resources().size();
        }
        Set<Integer> ids = new HashSet<>();
        BigInteger cpu = BigInteger.ZERO;
        BigInteger memory = BigInteger.ZERO;
        for (ResourceUnit u : g.resources()) {
            Resources r = u.resources();
            if (r.id() <= 0 || !ids.add(r.id())) {
                return "resource unit ids must be positive and unique, got " + r.id();
            }
            if (u.count() < 1 || u.count() > MAX_COUNT) {
                return "unit " + r.id() + " count must be 1–" + MAX_COUNT + ", got " + u.count();
            }
            if (r.cpu().millicores() < MIN_CPU_MILLIS || r.cpu().millicores() > MAX_CPU_MILLIS) {
                return "unit " + r.id() + " cpu must be 10–384000 millicores, got "
                        + r.cpu().millicores();
            }
            if (r.memory().bytes() < MIN_MEMORY_BYTES || r.memory().bytes() > MAX_MEMORY_BYTES) {
                return "unit " + r.id() + " memory must be 1Mi–2Ti, got "
                        + r.memory().bytes();
            }
            if (r.storage().isEmpty()) {
                return "unit " + r.id() + " needs at least one storage volume";
            }
            for (Volume v : r.storage()) {
                if (v.bytes() < MIN_STORAGE_BYTES || v.bytes() > MAX_STORAGE_BYTES) {
                    return "unit " + r.id() + " volume " + v.name() + " must be 5Mi–32Ti, got " + v.bytes();
                }
                String bad = keys(v.attributes());
                if (bad != null) {
                    return bad;
                }
            }
            if (r.gpu().units() < 0 || r.gpu().units() > MAX_GPU_UNITS) {
                return "unit " + r.id() + " gpu units must be 0–24, got "
                        + r.gpu().units();
            }
            if (r.gpu().units() == 0 && !r.gpu().attributes().isEmpty()) {
                return "unit " + r.id() + " has gpu attributes but no gpu units";
            }
            String bad = keys(r.gpu().attributes());
            if (bad == null) {
                bad = keys(r.cpu().attributes());
            }
            if (bad != null) {
                return bad;
            }
            if (!u.price().denom().equals(denom)) {
                return "unit " + r.id() + " is priced in " + u.price().denom() + "; prices must be in " + denom;
            }
            if (u.price().amount().signum() < 0 || u.price().amount().compareTo(MAX_UNIT_PRICE) > 0) {
                return "unit " + r.id() + " price must be 0–10000000 per block, got "
                        + u.price().amountString();
            }
            cpu = cpu.add(BigInteger.valueOf(r.cpu().millicores()).multiply(BigInteger.valueOf(u.count())));
            memory = memory.add(BigInteger.valueOf(r.memory().bytes()).multiply(BigInteger.valueOf(u.count())));
        }
        if (cpu.compareTo(BigInteger.valueOf(MAX_CPU_MILLIS * MAX_COUNT)) > 0) {
            return "total cpu " + cpu + " millicores is above " + MAX_CPU_MILLIS * MAX_COUNT;
        }
        if (memory.compareTo(BigInteger.valueOf(MAX_MEMORY_BYTES).multiply(BigInteger.valueOf(MAX_COUNT))) > 0) {
            return "total memory " + memory + " bytes is above 100Ti";
        }
        if (g.price().amount().signum() <= 0) {
            return "the group's price must be more than zero";
        }
        return null;
    }

    private static String keys(List<Attribute> attributes) {
        Set<String> seen = new HashSet<>();
        for (Attribute a : attributes) {
            if (!ATTRIBUTE_KEY.matcher(a.key()).matches() || !seen.add(a.key())) {
                return "attribute key " + a.key() + " is invalid or repeated";
            }
        }
        return null;
    }
}
