package dev.vyoma.console;

import java.util.List;

/** The data of each page, as its template reads it: plain values, already worded for a tenant. */
final class Views {
    private Views() {}

    /** A key of the keyring with its balances. */
    record Account(String name, String address, List<String> balances, boolean unlocked) {}

    /** The SDL editor: the text, the keys to post from, and what the checks found. */
    record Editor(
            String template,
            String sdl,
            List<String> keys,
            String from,
            String deposit,
            SdlCheck.Result check,
            List<SdlCheck.Screened> screened) {}

    /** The bids on one group's order. */
    record GroupBids(int gseq, String name, String order, List<Market.Bid> bids, boolean pickable) {}

    /** The bids page of a deployment and its lease progress. */
    record BidsView(
            String owner, long dseq, String link, List<GroupBids> groups, List<String> progress, boolean done) {}

    /** A link shown for a lease: where it goes (null for a port that is not HTTP) and its text. */
    record Uri(String href, String text) {}

    /** One lease of a deployment, with what its provider says. */
    record LeaseRow(String provider, String price, String state, String ready, List<Uri> uris, String problem) {}

    /** A deployment's escrow, worded. */
    record EscrowRow(String state, String balance, String rate, String runOut) {}

    /** The deployment page. */
    record DeploymentView(
            String owner,
            long dseq,
            String link,
            String state,
            boolean active,
            List<LeaseRow> leases,
            EscrowRow escrow,
            List<String> events,
            String sdl) {}

    /** One deployment in the list. */
    record DeploymentRow(long dseq, String key, String state, long createdAt, String link) {}

    /** The network page. */
    record NetworkView(String chainId, long height, int providers, String statsUrl) {}
}
