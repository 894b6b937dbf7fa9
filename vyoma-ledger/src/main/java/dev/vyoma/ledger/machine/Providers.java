package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.provider.HostUri;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.Attribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Provider registration: create, update, delete (only without active leases). */
public final class Providers {
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_TEXT = 256;
    static final Pattern ATTRIBUTE_KEY = Pattern.compile("^([a-zA-Z][\\w/.\\-]{1,126})$");

    private Providers() {}

    /** Null if the registration is well formed, else what to fix. */
    static String check(String hostUri, List<Attribute> attributes, String email, String website) {
        java.util.Optional<String> badHost = HostUri.problem(hostUri);
        if (badHost.isPresent()) {
            return badHost.get();
        }
        if (attributes.size() > MAX_ATTRIBUTES) {
            return "at most " + MAX_ATTRIBUTES + " attributes";
        }
        Set<String> keys = new TreeSet<>();
        for (Attribute a : attributes) {
            if (!ATTRIBUTE_KEY.matcher(a.key()).matches()) {
                return "attribute key \"" + a.key()
                        + "\" is not valid (letters, digits, / . - _; starts with a letter)";
            }
            if (!keys.add(a.key())) {
                return "attribute " + a.key() + " is given twice";
            }
            if (a.value().length() > MAX_TEXT) {
                return "attribute " + a.key() + " value is longer than " + MAX_TEXT;
            }
        }
        if (email.length() > MAX_TEXT || website.length() > MAX_TEXT) {
            return "email and website are at most " + MAX_TEXT + " characters";
        }
        return null;
    }

    private static Provider provider(
            Address owner, String hostUri, List<Attribute> attrs, String email, String website) {
        List<Attribute> sorted = new ArrayList<>(attrs);
        sorted.sort(null);
        return new Provider(owner, hostUri, sorted, email == null ? "" : email, website == null ? "" : website);
    }

    /** Handles the provider module's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.CreateProvider c -> {
                Rejected.unless(
                        !ctx.state().providers.contains(c.owner()),
                        ErrorCode.PROVIDER_EXISTS,
                        () -> c.owner() + " is already a provider; update it instead");
                String why = check(c.hostUri(), c.attributes(), nz(c.email()), nz(c.website()));
                Rejected.unless(why == null, ErrorCode.INVALID_PROVIDER, () -> String.valueOf(why));
                ctx.state()
                        .providers
                        .put(c.owner(), provider(c.owner(), c.hostUri(), c.attributes(), c.email(), c.website()));
                ctx.emit(new Event.ProviderCreated(c.owner()));
            }
            case Msg.UpdateProvider u -> {
                Rejected.unless(
                        ctx.state().providers.contains(u.owner()),
                        ErrorCode.PROVIDER_NOT_FOUND,
                        () -> u.owner() + " is not a provider; create it first");
                String why = check(u.hostUri(), u.attributes(), nz(u.email()), nz(u.website()));
                Rejected.unless(why == null, ErrorCode.INVALID_PROVIDER, () -> String.valueOf(why));
                ctx.state()
                        .providers
                        .put(u.owner(), provider(u.owner(), u.hostUri(), u.attributes(), u.email(), u.website()));
                ctx.emit(new Event.ProviderUpdated(u.owner()));
            }
            case Msg.DeleteProvider d -> {
                Rejected.unless(
                        ctx.state().providers.contains(d.owner()),
                        ErrorCode.PROVIDER_NOT_FOUND,
                        () -> d.owner() + " is not a provider");
                boolean busy = !ctx.state().activeLeasesByProvider.isEmpty(d.owner());
                Rejected.unless(
                        !busy,
                        ErrorCode.PROVIDER_HAS_LEASES,
                        () -> "provider " + d.owner() + " still has active leases; close them first");
                ctx.state().providers.remove(d.owner());
                ctx.emit(new Event.ProviderDeleted(d.owner()));
            }
            default -> throw new IllegalArgumentException("not a provider message: " + m.kind());
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
