package dev.vyoma.stats.capacity;

import dev.vyoma.ledger.provider.HostUri;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which registered hosts the capacity poller may contact. Anyone can register a provider with any host, so
 * an indexer that polled every host would send requests, from inside its own network, to addresses of an
 * attacker's choosing. By default only hosts whose every address is public are polled; a devnet, whose
 * providers all live on loopback, allows private addresses explicitly.
 */
public record PollPolicy(boolean allowPrivate, Resolver resolver) {
    /** Looks a host name up; {@link InetAddress#getAllByName} in production, a table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Public hosts only, resolved by the system resolver. */
    public static PollPolicy publicOnly() {
        return new PollPolicy(false, InetAddress::getAllByName);
    }

    /** Every well-formed host, loopback and private networks included: for devnets. */
    public static PollPolicy allowingPrivate() {
        return new PollPolicy(true, InetAddress::getAllByName);
    }

    /** Empty if {@code hostUri} may be polled; otherwise why not, for the snapshot's error. */
    public Optional<String> refusal(String hostUri) {
        HostUri uri;
        try {
            uri = HostUri.parse(hostUri);
        } catch (IllegalArgumentException e) {
            return Optional.of("not polled: " + e.getMessage());
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        String host =
                uri.host().startsWith("[") ? uri.host().substring(1, uri.host().length() - 1) : uri.host();
        try {
            for (InetAddress a : resolver.resolve(host)) {
                if (!isPublic(a)) {
                    return Optional.of(
                            "not polled: " + uri.host() + " resolves to " + a.getHostAddress()
                                    + ", which is not a public address (an indexer for a devnet passes --poll-private-providers)");
                }
            }
        } catch (UnknownHostException e) {
            return Optional.of("not polled: " + uri.host() + " does not resolve");
        }
        return Optional.empty();
    }

    /** Whether {@code a} is a public unicast address: not loopback, private, link-local, shared, or reserved. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress()
                || a.isLoopbackAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first != 0 // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT, 100.64/10
                    && !(first == 192 && second == 0 && (b[2] & 0xFF) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking, 198.18/15
                    && first < 240; // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xFF;
            boolean uniqueLocal = (first & 0xFE) == 0xFC; // fc00::/7
            boolean mappedV4 = isV4Mapped(b);
            if (mappedV4) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return !uniqueLocal;
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }
}
