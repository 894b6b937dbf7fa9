package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.base.IdText;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ids from outside have one spelling each: every other spelling of the same numbers is refused, with the form. */
class IdParsingTest {
    private static Address address(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32))
                .address();
    }

    private final Address owner = address("owner");
    private final Address provider = address("provider");

    @Test
    void theCanonicalSpellingParsesAndPrintsBackTheSame() {
        String text = owner + "/70/1/1/" + provider;
        BidId id = BidId.parse(text);
        assertThat(id).isEqualTo(new BidId(new OrderId(new GroupId(new DeploymentId(owner, 70), 1), 1), provider));
        assertThat(id.toString()).isEqualTo(text);
        assertThat(OrderId.parse(owner + "/70/1/1")).isEqualTo(id.order());
        assertThat(GroupId.parse(owner + "/70/1")).isEqualTo(id.order().group());
        assertThat(DeploymentId.parse(owner + "/70")).isEqualTo(id.deployment());
        assertThat(DeploymentId.parseDseq(Long.toString(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(GroupId.parseGseq(Integer.toString(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aliasesOfTheSameNumberAreRefused() {
        // Each of these is 70 to Long.parseLong, or close enough to it to have been taken for it.
        for (String dseq : List.of("070", "+70", "0070", " 70", "70 ", "7_0", "\u0667\u0660", "70.0", "7e1", "0x46")) {
            assertThatThrownBy(() -> DeploymentId.parse(owner.toString(), dseq))
                    .as(dseq)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dseq is a whole number from 1 to " + Long.MAX_VALUE)
                    .hasMessageContaining("no sign, no leading zero");
        }
        assertThatThrownBy(() -> DeploymentId.parseDseq("-1")).hasMessageContaining("dseq");
        assertThatThrownBy(() -> DeploymentId.parseDseq("0")).hasMessageContaining("from 1");
        assertThatThrownBy(() -> DeploymentId.parseDseq("")).hasMessageContaining("got \"\"");
        assertThatThrownBy(() -> DeploymentId.parseDseq(null)).hasMessageContaining("got nothing");
        assertThatThrownBy(() -> DeploymentId.parseDseq("9223372036854775808")).hasMessageContaining("dseq");
        assertThatThrownBy(() -> DeploymentId.parseDseq("99999999999999999999")).hasMessageContaining("dseq");
        assertThatThrownBy(() -> GroupId.parseGseq("2147483648")).hasMessageContaining("gseq is a whole number");
        assertThatThrownBy(() -> OrderId.parseOseq("01")).hasMessageContaining("oseq is a whole number");
    }

    @Test
    void separatorsAndQueryCharactersCannotHideInAPart() {
        // What an encoded "/" and "?" in a path parameter decode to: another lease's id with a query after it.
        String smuggled = "1/" + provider + "?";
        assertThatThrownBy(() -> OrderId.parse(owner.toString(), "70", "1", smuggled))
                .hasMessageContaining("oseq is a whole number");
        assertThatThrownBy(() -> BidId.parse(owner + "/70/1/" + smuggled + "/" + provider))
                .hasMessageContaining("an id is " + BidId.FORM);
        assertThatThrownBy(() -> BidId.parse(owner + "/70/1/1/" + provider + "/"))
                .hasMessageContaining(BidId.FORM);
        assertThatThrownBy(() -> BidId.parse(owner + "/70/1//" + provider)).hasMessageContaining("oseq");
        assertThatThrownBy(() -> OrderId.parse(owner + "/70/1/1?x=1")).hasMessageContaining("oseq");
        assertThatThrownBy(() -> BidId.parse(owner + "/70/1/1/" + provider + "?"))
                .hasMessageContaining("provider: not a vyoma address");
        assertThatThrownBy(() -> BidId.parse("x".repeat(IdText.MAX_CHARS + 1)))
                .hasMessageContaining("at most " + IdText.MAX_CHARS + " characters")
                .hasMessageContaining("…");
        assertThatThrownBy(() -> DeploymentId.parse("nobody/1")).hasMessageStartingWith("owner: not a vyoma address");
    }

    @Test
    void refusalsRepeatLittleOfTheInputAndNoControlCharacters() {
        assertThatThrownBy(() -> DeploymentId.parseDseq("7\r\nSet-Cookie: x"))
                .hasMessageEndingWith("got \"7??Set-Cookie: x\"");
        assertThat(WholeNumber.shown("9".repeat(100))).hasSize(40 + 3);
    }

    @Test
    void zeroIsASpellingOnlyWhereTheRangeHasIt() {
        assertThat(WholeNumber.parse("0", "offset", 0, 10)).isZero();
        assertThat(WholeNumber.parse("10", "offset", 0, 10)).isEqualTo(10);
        assertThatThrownBy(() -> WholeNumber.parse("00", "offset", 0, 10)).hasMessageContaining("offset");
        assertThatThrownBy(() -> WholeNumber.parse("11", "offset", 0, 10)).hasMessageContaining("from 0 to 10");
    }
}
