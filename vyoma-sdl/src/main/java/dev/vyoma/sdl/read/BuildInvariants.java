package dev.vyoma.sdl.read;

import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.spec.GoStrings;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Properties every built document has, checked on every build: they pair the validator's checks with
 * the builder's output, so a gap between the two fails loudly instead of producing a manifest that no
 * provider would accept. A violation is a bug in this module, never a user error.
 */
final class BuildInvariants {
    private BuildInvariants() {}

    static void check(GroupBuilder.Built built) {
        require(!built.groups().isEmpty(), "at least one group");
        require(built.groups().size() == built.manifest().groups().size(), "one manifest group per group spec");
        for (int i = 0; i < built.groups().size(); i++) {
            GroupSpec spec = built.groups().get(i);
            ManifestGroup group = built.manifest().groups().get(i);
            require(spec.name().equals(group.name()), "group names aligned");
            require(i == 0 || GoStrings.compare(built.groups().get(i - 1).name(), spec.name()) < 0, "groups sorted");
            Map<Integer, Integer> remaining = new HashMap<>();
            Set<String> denoms = new HashSet<>();
            for (int u = 0; u < spec.resources().size(); u++) {
                ResourceUnit unit = spec.resources().get(u);
                require(unit.resources().id() == u + 1, "resource unit ids are 1..n");
                require(unit.count() > 0, "resource unit count > 0");
                remaining.put(unit.resources().id(), unit.count());
                denoms.add(unit.price().denom());
            }
            require(denoms.size() == 1, "one denomination per group");
            String previous = null;
            for (ManifestService s : group.services()) {
                require(previous == null || GoStrings.compare(previous, s.name()) < 0, "services sorted and unique");
                previous = s.name();
                Integer left = remaining.get(s.resources().id());
                require(left != null && left >= s.count(), "service fits its resource unit");
                remaining.put(s.resources().id(), left - s.count());
            }
            require(remaining.values().stream().allMatch(v -> v == 0), "every resource unit is used exactly");
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("SDL build invariant violated: " + what);
        }
    }
}
