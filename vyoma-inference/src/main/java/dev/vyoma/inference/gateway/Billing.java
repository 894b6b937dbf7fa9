package dev.vyoma.inference.gateway;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.api.ApiError;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceCharge;
import dev.vyoma.ledger.machine.Inference;
import dev.vyoma.ledger.tx.Msg;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's side of the inference accounts. Before a request runs, the most it can cost (its prompt's
 * token bound and its {@code max_tokens} at the model's prices) is reserved against the account's balance as
 * the ledger holds it, less what earlier requests cost and the ledger has not taken yet; a request that does
 * not fit is refused (402) before any work. When it ends, its exact cost replaces the reservation. {@link
 * #settle} sends what is owed as one {@code ChargeInference} batch: per account the requests, tokens, exact
 * cost and the hash of its records; the ledger pays whole micro-units and carries the rest. Everything the
 * ledger charges is therefore covered, and a charge never exceeds a balance.
 */
public final class Billing {
    /** Least balance, in micro-units, an inference account holds for its owner to create API keys. */
    public static final long MIN_BALANCE_MICRO_FOR_KEYS = 1;

    private final VyomaClient chain;
    private final KeyPair gateway;
    private final UsageLog log;
    private final Consumer<String> say;
    private final Map<Address, Account> accounts = new HashMap<>();
    private long lastBatch = -1;

    /** What the gateway knows of one account: the ledger's balance and carry, and what it owes on top. */
    private static final class Account {
        boolean open;
        long balance;
        long carryPico;
        long pendingPico;
        long reservedPico;
    }

    /** Balance held back for one running request. */
    public record Reservation(Address owner, long pico) {}

    public Billing(VyomaClient chain, KeyPair gateway, UsageLog log, Consumer<String> say) {
        this.chain = chain;
        this.gateway = gateway;
        this.log = log;
        this.say = say;
        for (UsageRecord r : log.unsettled()) {
            account(r.owner()).pendingPico += r.costPico();
        }
    }

    /** The gateway's account, which the inference accounts name and which is paid. */
    public Address gateway() {
        return gateway.address();
    }

    private Account account(Address owner) {
        return accounts.computeIfAbsent(owner, o -> {
            Account a = new Account();
            a.balance = -1;
            return a;
        });
    }

    private void load(Address owner, Account a) {
        JsonNode n = chain.getJson("/v1/inference/accounts/" + owner + "/" + gateway.address())
                .orElse(null);
        a.open = n != null && n.path("state").asString().equalsIgnoreCase("open");
        a.balance = n == null ? 0 : n.path("balance").asLong();
        a.carryPico = n == null ? 0 : n.path("carryPico").asLong();
    }

    private static boolean fits(Account a, long pico) {
        long have = Math.multiplyExact(a.balance, InferenceAccount.PICO_PER_MICRO);
        return a.open && a.carryPico + a.pendingPico + a.reservedPico + pico <= have;
    }

    /**
     * Checks on the ledger, now, that {@code owner} has an open inference account with this gateway holding at
     * least {@link #MIN_BALANCE_MICRO_FOR_KEYS}; refuses with 402 and how to open or fund one. Keys are for
     * accounts that can pay: the gateway keeps nothing for anyone else.
     */
    public synchronized void requireFunded(Address owner) {
        Account a = account(owner);
        load(owner, a);
        if (!a.open) {
            throw ApiError.insufficientQuota("account " + owner + " has no open inference account with gateway "
                    + gateway.address() + ", which API keys need; open one with: vyoma tx inference open "
                    + gateway.address() + " AMOUNTuusd");
        }
        if (a.balance < MIN_BALANCE_MICRO_FOR_KEYS) {
            throw ApiError.insufficientQuota("the inference account of " + owner + " with gateway "
                    + gateway.address() + " holds " + a.balance + "uusd, which API keys need at least "
                    + MIN_BALANCE_MICRO_FOR_KEYS + " of; deposit with: vyoma tx inference deposit "
                    + gateway.address() + " AMOUNTuusd");
        }
    }

    /** Holds back {@code pico} of {@code owner}'s balance, or refuses with 402 and what the account holds. */
    public synchronized Reservation reserve(Address owner, long pico) {
        Account a = account(owner);
        if (a.balance < 0 || !fits(a, pico)) {
            // Read the ledger again: the owner may have opened the account or deposited since.
            load(owner, a);
        }
        if (!a.open) {
            throw ApiError.insufficientQuota("account " + owner + " has no open inference account with gateway "
                    + gateway.address() + "; open one with: vyoma tx inference open " + gateway.address()
                    + " AMOUNTuusd");
        }
        if (!fits(a, pico)) {
            long free = a.balance * InferenceAccount.PICO_PER_MICRO - a.carryPico - a.pendingPico - a.reservedPico;
            throw ApiError.insufficientQuota("this request may cost up to " + ceilMicro(pico)
                    + "uusd (its prompt and max_tokens at the model's prices) but the inference account of " + owner
                    + " has " + Math.max(0, free / InferenceAccount.PICO_PER_MICRO)
                    + "uusd left; deposit with vyoma tx inference deposit, or lower max_tokens");
        }
        a.reservedPico += pico;
        return new Reservation(owner, pico);
    }

    /** The request failed or was refused by the worker: nothing is charged. */
    public synchronized void release(Reservation r) {
        account(r.owner()).reservedPico -= r.pico();
    }

    /** The request ended: its exact cost replaces the reservation, and its record is logged. */
    public synchronized void charge(Reservation r, UsageRecord record) {
        Account a = account(r.owner());
        a.reservedPico -= r.pico();
        a.pendingPico += record.costPico();
        log.append(record);
    }

    /** What {@code owner} owes that the ledger has not taken, in millionths of a micro-unit. */
    public synchronized long pendingPico(Address owner) {
        return account(owner).pendingPico;
    }

    /**
     * Settles every unsettled request in one batch (at most {@link Inference#MAX_CHARGES_PER_BATCH} accounts);
     * returns the batch number, or 0 if there was nothing to settle. Runs on one thread, the one that sends
     * the gateway's transactions.
     */
    public long settle() {
        List<UsageRecord> unsettled;
        synchronized (this) {
            if (lastBatch < 0) {
                lastBatch = chain.getJson("/v1/inference/gateways/" + gateway.address())
                        .map(n -> n.path("lastBatch").asLong())
                        .orElse(0L);
                // A batch written before a restart: the ledger either took it (its records are owed no more) or
                // the records go again.
                List<UsageRecord> before = log.unsettled();
                for (Map.Entry<Long, List<String>> b : log.unconfirmedBatches().entrySet()) {
                    if (b.getKey() <= lastBatch) {
                        log.settled(b.getKey());
                    }
                }
                java.util.Set<String> still = new java.util.HashSet<>();
                log.unsettled().forEach(r -> still.add(r.id()));
                for (UsageRecord r : before) {
                    if (!still.contains(r.id())) {
                        account(r.owner()).pendingPico -= r.costPico();
                    }
                }
            }
            unsettled = log.unsettled();
        }
        if (unsettled.isEmpty()) {
            return 0;
        }
        TreeMap<Address, List<UsageRecord>> byOwner = new TreeMap<>();
        for (UsageRecord r : unsettled) {
            if (byOwner.containsKey(r.owner()) || byOwner.size() < Inference.MAX_CHARGES_PER_BATCH) {
                byOwner.computeIfAbsent(r.owner(), o -> new ArrayList<>()).add(r);
            }
        }
        List<InferenceCharge> charges = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Map.Entry<Address, List<UsageRecord>> e : byOwner.entrySet()) {
            long in = 0;
            long out = 0;
            long cost = 0;
            for (UsageRecord r : e.getValue()) {
                in += r.inputTokens();
                out += r.outputTokens();
                cost = Math.addExact(cost, r.costPico());
                ids.add(r.id());
            }
            charges.add(
                    new InferenceCharge(e.getKey(), e.getValue().size(), in, out, cost, UsageLog.hash(e.getValue())));
        }
        long batch = lastBatch + 1;
        log.batch(batch, ids);
        VyomaClient.TxOutcome outcome = chain.broadcast(
                chain.sign(gateway, List.of(new Msg.ChargeInference(gateway.address(), batch, charges)), ""), true);
        synchronized (this) {
            if (outcome.ok()) {
                log.settled(batch);
                lastBatch = batch;
                for (Map.Entry<Address, List<UsageRecord>> e : byOwner.entrySet()) {
                    Account a = account(e.getKey());
                    for (UsageRecord r : e.getValue()) {
                        a.pendingPico -= r.costPico();
                    }
                    load(e.getKey(), a);
                }
                say.accept("settled batch " + batch + ": " + charges.size() + " accounts, " + ids.size() + " requests");
                return batch;
            }
            lastBatch = -1;
            say.accept("batch " + batch + " was refused: " + outcome.log());
            // An account closed before its requests settled cannot be charged: those records are given up so
            // that the others settle.
            for (Map.Entry<Address, List<UsageRecord>> e : byOwner.entrySet()) {
                Account a = account(e.getKey());
                load(e.getKey(), a);
                if (!a.open) {
                    List<String> lost =
                            e.getValue().stream().map(UsageRecord::id).toList();
                    log.dropped(lost, "inference account closed before its requests settled");
                    for (UsageRecord r : e.getValue()) {
                        a.pendingPico -= r.costPico();
                    }
                }
            }
            return 0;
        }
    }

    /** An account's requests, oldest first, at most the last {@code limit}. */
    public List<UsageRecord> usage(Address owner, int limit) {
        return log.of(owner, limit);
    }

    /** An account's records in a settled batch, in the batch's order: what its ledger hash covers. */
    public List<UsageRecord> batchRecords(Address owner, long batch) {
        return log.inBatch(owner, batch);
    }

    private static long ceilMicro(long pico) {
        return (pico + InferenceAccount.PICO_PER_MICRO - 1) / InferenceAccount.PICO_PER_MICRO;
    }
}
