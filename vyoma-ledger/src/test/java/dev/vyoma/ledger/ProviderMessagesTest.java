package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.VYO;
import static dev.vyoma.ledger.MessageFixtures.bid;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.deploy;
import static dev.vyoma.ledger.MessageFixtures.order;
import static dev.vyoma.ledger.MessageFixtures.provider;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.snapshot;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.Attribute;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CreateProvider, UpdateProvider, DeleteProvider. */
class ProviderMessagesTest {
    private static final long FEE = 1_000;
    private static final String HOST = "https://p.example.com:8443";

    private static TestChain chain1() {
        return chain("p", "tenant");
    }

    private static Msg.CreateProvider create(
            TestChain c, String host, List<Attribute> attrs, String email, String web) {
        return new Msg.CreateProvider(c.addr("p"), host, attrs, email, web);
    }

    private static List<Attribute> attributes(int n) {
        List<Attribute> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Attribute(String.format("key%02d", i), "v"));
        }
        return out;
    }

    @Test
    void createRegistersTheProviderWithSortedAttributes() {
        TestChain c = chain1();
        TxResult r = c.ok(c.tx(
                "p",
                create(
                        c,
                        HOST,
                        List.of(new Attribute("region", "eu"), new Attribute("host", "akash")),
                        "ops@p.example.com",
                        "https://p.example.com")));
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("p"), vyo(FEE)), new Event.ProviderCreated(c.addr("p")));
        assertThat(c.ledger.state().providers.get(c.addr("p")))
                .isEqualTo(new Provider(
                        c.addr("p"),
                        HOST,
                        List.of(new Attribute("host", "akash"), new Attribute("region", "eu")),
                        "ops@p.example.com",
                        "https://p.example.com"));
        assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE);
    }

    @Test
    void hostWithoutPortIsAccepted() {
        TestChain c = chain1();
        c.ok(c.tx("p", create(c, "https://p.example.com", List.of(), "", "")));
        assertThat(c.ledger.state().providers.contains(c.addr("p"))).isTrue();
    }

    /**
     * The stats indexer and every tenant contact the registered host, so it is one canonical https://host[:port]:
     * credentials, a query or a fragment (once used to make the indexer send requests of an attacker's
     * choosing) and every second spelling of the same host are refused with the spelling to use.
     */
    @Test
    void hostUrisHaveOneSpellingAndNothingElse() {
        TestChain c = chain1();
        java.util.Map<String, String> refused = java.util.Map.of(
                "https://user:pw@p.example.com",
                "credentials",
                "https://p.example.com:8443?x=1",
                "query",
                "https://p.example.com#frag",
                "fragment",
                "https://p.example.com/",
                "path",
                "https://p.example.com/v1/status",
                "path",
                "https://P.Example.com",
                "write the host URI as https://p.example.com",
                "https://p.example.com:08443",
                "write the host URI as https://p.example.com:8443",
                "http://p.example.com",
                "https://host[:port]",
                "https://p.example.com:70000",
                "host URI",
                "https://" + "a".repeat(dev.vyoma.ledger.provider.HostUri.MAX_LENGTH),
                "longer than");
        refused.forEach((host, why) -> {
            TxResult r = rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, host, List.of(), "", ""));
            assertThat(r.log()).as(host).contains(why);
        });
        assertThat(c.ledger.state().providers.contains(c.addr("p"))).isFalse();
        String longest = "https://" + "a".repeat(dev.vyoma.ledger.provider.HostUri.MAX_LENGTH - "https://".length());
        c.ok(c.tx("p", create(c, longest, List.of(), "", "")));
        assertThat(c.ledger.state().providers.get(c.addr("p")).hostUri()).isEqualTo(longest);
    }

    @Test
    void createTwiceIsRejected() {
        TestChain c = chain1();
        c.ok(c.tx("p", create(c, HOST, List.of(), "", "")));
        rejectedCharged(c, "p", ErrorCode.PROVIDER_EXISTS, create(c, "https://other.example.com", List.of(), "", ""));
        assertThat(c.ledger.state().providers.get(c.addr("p")).hostUri()).isEqualTo(HOST);
    }

    @Test
    void createWithABadHostUriIsRejected() {
        TestChain c = chain1();
        for (String bad : List.of(
                "http://p.example.com", "https://p.example.com/api", "https://", "p.example.com", "https://p .com")) {
            rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, bad, List.of(), "", ""));
        }
    }

    @Test
    void sixtyFourAttributesAreAcceptedSixtyFiveAreNot() {
        TestChain c = chain1();
        rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, HOST, attributes(65), "", ""));
        c.ok(c.tx("p", create(c, HOST, attributes(64), "", "")));
        assertThat(c.ledger.state().providers.get(c.addr("p")).attributes()).hasSize(64);
    }

    @Test
    void createWithBadAttributesIsRejected() {
        TestChain c = chain1();
        List<List<Attribute>> bad = List.of(
                List.of(new Attribute("1region", "eu")),
                List.of(new Attribute("r", "eu")),
                List.of(new Attribute("region*", "eu")),
                List.of(new Attribute("region", "eu"), new Attribute("region", "us")),
                List.of(new Attribute("region", "x".repeat(257))));
        for (List<Attribute> attrs : bad) {
            rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, HOST, attrs, "", ""));
        }
        c.ok(c.tx("p", create(c, HOST, List.of(new Attribute("region", "x".repeat(256))), "", "")));
    }

    @Test
    void contactFieldsAreLimitedTo256Characters() {
        TestChain c = chain1();
        rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, HOST, List.of(), "e".repeat(257), ""));
        rejectedCharged(c, "p", ErrorCode.INVALID_PROVIDER, create(c, HOST, List.of(), "", "w".repeat(257)));
        c.ok(c.tx("p", create(c, HOST, List.of(), "e".repeat(256), "w".repeat(256))));
    }

    @Test
    void createForAnotherAccountIsRefusedAtAdmission() {
        TestChain c = chain1();
        MessageFixtures.rejectedAtAdmission(
                c, c.tx("tenant", create(c, HOST, List.of(), "", "")), ErrorCode.WRONG_SIGNER);
    }

    @Test
    void updateReplacesTheWholeRegistration() {
        TestChain c = chain1();
        c.ok(c.tx("p", create(c, HOST, List.of(new Attribute("region", "eu")), "a@b.c", "https://w")));
        TxResult r = c.ok(c.tx(
                "p",
                new Msg.UpdateProvider(
                        c.addr("p"), "https://q.example.com", List.of(new Attribute("tier", "gold")), "", "")));
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("p"), vyo(FEE)), new Event.ProviderUpdated(c.addr("p")));
        assertThat(c.ledger.state().providers.get(c.addr("p")))
                .isEqualTo(new Provider(
                        c.addr("p"), "https://q.example.com", List.of(new Attribute("tier", "gold")), "", ""));
    }

    @Test
    void updateOfAnUnknownProviderIsRejected() {
        TestChain c = chain1();
        rejectedCharged(
                c, "p", ErrorCode.PROVIDER_NOT_FOUND, new Msg.UpdateProvider(c.addr("p"), HOST, List.of(), "", ""));
    }

    @Test
    void invalidUpdateIsRejectedAndKeepsTheOldRegistration() {
        TestChain c = chain1();
        c.ok(c.tx("p", create(c, HOST, List.of(), "", "")));
        rejectedCharged(
                c,
                "p",
                ErrorCode.INVALID_PROVIDER,
                new Msg.UpdateProvider(c.addr("p"), "http://p.example.com", List.of(), "", ""));
        rejectedCharged(
                c, "p", ErrorCode.INVALID_PROVIDER, new Msg.UpdateProvider(c.addr("p"), HOST, attributes(65), "", ""));
        assertThat(c.ledger.state().providers.get(c.addr("p")).hostUri()).isEqualTo(HOST);
    }

    @Test
    void deleteRemovesTheProvider() {
        TestChain c = chain1();
        c.ok(c.tx("p", create(c, HOST, List.of(), "", "")));
        TxResult r = c.ok(c.tx("p", new Msg.DeleteProvider(c.addr("p"))));
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("p"), vyo(FEE)), new Event.ProviderDeleted(c.addr("p")));
        assertThat(c.ledger.state().providers.contains(c.addr("p"))).isFalse();
        // It may register again.
        c.ok(c.tx("p", create(c, HOST, List.of(), "", "")));
    }

    @Test
    void deleteOfAnUnknownProviderIsRejected() {
        TestChain c = chain1();
        rejectedCharged(c, "p", ErrorCode.PROVIDER_NOT_FOUND, new Msg.DeleteProvider(c.addr("p")));
    }

    @Test
    void deleteWithAnActiveLeaseIsRejectedAndAllowedOnceItCloses() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1);
        BidId lease = bid(c, "p", order(d), "50");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        rejectedCharged(c, "p", ErrorCode.PROVIDER_HAS_LEASES, new Msg.DeleteProvider(c.addr("p")));
        assertThat(c.ledger.state().providers.contains(c.addr("p"))).isTrue();

        c.ok(c.tx("tenant", new Msg.CloseLease(lease)));
        c.ok(c.tx("p", new Msg.DeleteProvider(c.addr("p"))));
        assertThat(c.ledger.state().providers.contains(c.addr("p"))).isFalse();
    }

    @Test
    void leaseOfAnotherProviderDoesNotBlockDelete() {
        TestChain c = chain("p", "q", "tenant");
        provider(c, "p");
        provider(c, "q");
        DeploymentId d = deploy(c, "tenant", 1);
        BidId lease = bid(c, "q", order(d), "50");
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        c.ok(c.tx("p", new Msg.DeleteProvider(c.addr("p"))));
        rejectedCharged(c, "q", ErrorCode.PROVIDER_HAS_LEASES, new Msg.DeleteProvider(c.addr("q")));
    }

    /**
     * A deleted provider has no host URI to receive the manifest: a lease on one of its bids that were
     * still open should be impossible (close its open bids on delete, or refuse the lease).
     */
    @Test
    void noLeaseWithADeletedProvider() {
        TestChain c = chain1();
        provider(c, "p");
        DeploymentId d = deploy(c, "tenant", 1);
        BidId b = bid(c, "p", order(d), "50");
        c.ok(c.tx("p", new Msg.DeleteProvider(c.addr("p"))));
        BidState afterDelete = c.ledger.state().bids.get(b).state();
        if (afterDelete == BidState.OPEN) {
            var before = snapshot(c);
            TxResult r = c.block(c.tx("tenant", new Msg.CreateLease(b))).txs().get(0);
            assertThat(r.ok()).as("lease with a deleted provider").isFalse();
            MessageFixtures.assertOnlyFeeAndSequence(c, before, "tenant", FEE);
        } else {
            assertThat(afterDelete).isEqualTo(BidState.CLOSED);
            // Deposit refunded: only the fees of CreateProvider, CreateBid and DeleteProvider are gone.
            assertThat(c.balance("p", VYO)).isEqualTo(FUNDS - FEE - 2_000 - FEE);
        }
    }
}
