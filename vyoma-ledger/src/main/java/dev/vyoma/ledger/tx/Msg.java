package dev.vyoma.ledger.tx;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.inference.InferenceCharge;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import java.util.List;

/**
 * Every message the ledger accepts, one record each, with the account that must sign it. Module by
 * module they follow Akash's messages of the same names.
 */
public sealed interface Msg {
    /** The account whose key must sign the transaction carrying this message. */
    Address signer();

    /** The message's kind as params name it for fees: its simple name. */
    default String kind() {
        return getClass().getSimpleName();
    }

    // ----- bank -----

    /** Moves coins between accounts. */
    record Send(Address from, Address to, Coin amount) implements Msg {
        public Address signer() {
            return from;
        }
    }

    // ----- provider -----

    /** Registers a provider: gateway host URI (https, no path), attributes, contact. */
    record CreateProvider(Address owner, String hostUri, List<Attribute> attributes, String email, String website)
            implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** Replaces a provider's registration. */
    record UpdateProvider(Address owner, String hostUri, List<Attribute> attributes, String email, String website)
            implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** Removes a provider that has no active lease. */
    record DeleteProvider(Address owner) implements Msg {
        public Address signer() {
            return owner;
        }
    }

    // ----- audit -----

    /** An auditor vouches for attributes of a provider (merged with what it signed before). */
    record SignProviderAttributes(Address auditor, Address provider, List<Attribute> attributes) implements Msg {
        public Address signer() {
            return auditor;
        }
    }

    /** An auditor withdraws some (or, with no keys, all) of its signed attributes of a provider. */
    record DeleteProviderAttributes(Address auditor, Address provider, List<String> keys) implements Msg {
        public Address signer() {
            return auditor;
        }
    }

    // ----- cert -----

    /** Publishes a certificate; the serial is read from it. */
    record CreateCertificate(Address owner, String certPem, String publicKeyPem) implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** Revokes a certificate. */
    record RevokeCertificate(CertificateId id) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    // ----- deployment -----

    /** Creates a deployment from group specs and the manifest version, funding its escrow. */
    record CreateDeployment(DeploymentId id, List<GroupSpec> groups, String versionHex, Coin deposit) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    /** Changes a deployment's manifest version (a new manifest for the same groups). */
    record UpdateDeployment(DeploymentId id, String versionHex) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    /** Adds funds to a deployment's escrow; anyone may pay for anyone's deployment. */
    record DepositDeployment(Address depositor, DeploymentId id, Coin amount) implements Msg {
        public Address signer() {
            return depositor;
        }
    }

    /** Closes a deployment: its leases end, its escrow pays out and refunds. */
    record CloseDeployment(DeploymentId id) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    /** Closes one group for good. */
    record CloseGroup(GroupId id) implements Msg {
        public Address signer() {
            return id.deployment().owner();
        }
    }

    /** Pauses a group: its lease ends, no new order until started. */
    record PauseGroup(GroupId id) implements Msg {
        public Address signer() {
            return id.deployment().owner();
        }
    }

    /** Starts a paused group again with a new order. */
    record StartGroup(GroupId id) implements Msg {
        public Address signer() {
            return id.deployment().owner();
        }
    }

    // ----- deployment: deposit grants (Akash's deposit authorization) -----

    /**
     * The granter lets the grantee fund the grantee's deployments from the granter's balance, up to {@code
     * spendLimit} (deposit denomination) in all, until block time {@code expiresAtMillis} (0: no expiry).
     * Granting again replaces the grant.
     */
    record GrantDeposit(Address granter, Address grantee, Coin spendLimit, long expiresAtMillis) implements Msg {
        public Address signer() {
            return granter;
        }
    }

    /** The granter withdraws its deposit grant to the grantee; deposits already made stay. */
    record RevokeDepositGrant(Address granter, Address grantee) implements Msg {
        public Address signer() {
            return granter;
        }
    }

    /**
     * Creates a deployment as {@link CreateDeployment} does, its deposit drawn from {@code granter}'s grant to
     * the owner: the granter's balance pays and gets back what is left when the deployment closes.
     */
    record CreateDeploymentFromGrant(
            DeploymentId id, List<GroupSpec> groups, String versionHex, Coin deposit, Address granter) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    /** The owner adds to a deployment's escrow from {@code granter}'s grant to the owner. */
    record DepositDeploymentFromGrant(DeploymentId id, Address granter, Coin amount) implements Msg {
        public Address signer() {
            return id.owner();
        }
    }

    // ----- market -----

    /** A provider bids on an open order: total price per block and a deposit. */
    record CreateBid(OrderId order, Address provider, DecCoin price, Coin deposit) implements Msg {
        public Address signer() {
            return provider;
        }
    }

    /** A provider withdraws a bid, or ends its lease with a provider reason (10000–19999). */
    record CloseBid(BidId id, int reason) implements Msg {
        public Address signer() {
            return id.provider();
        }
    }

    /** The tenant accepts a bid: the lease starts and the order's other bids are lost. */
    record CreateLease(BidId bid) implements Msg {
        public Address signer() {
            return bid.order().group().deployment().owner();
        }
    }

    /** The tenant ends a lease; an open group gets a new order. */
    record CloseLease(BidId lease) implements Msg {
        public Address signer() {
            return lease.order().group().deployment().owner();
        }
    }

    /**
     * The tenant ends a lease because its provider failed it, saying how with a tenant reason (2 the provider
     * stopped answering, 3 the provider reported the lease failed); an open group gets a new order, as for
     * {@link CloseLease}. The reason is the tenant's claim, recorded in the tenant's range, never a provider's code.
     */
    record CloseLeaseForFault(BidId lease, int reason) implements Msg {
        public Address signer() {
            return lease.order().group().deployment().owner();
        }
    }

    /** The provider takes what its lease has earned. */
    record WithdrawLease(BidId lease) implements Msg {
        public Address signer() {
            return lease.provider();
        }
    }

    // ----- inference -----

    /** Opens a prepaid inference account that {@code gateway} may charge, with a first deposit. */
    record OpenInferenceAccount(Address owner, Address gateway, Coin deposit) implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** Adds to the owner's open inference account with {@code gateway}. */
    record DepositInferenceAccount(Address owner, Address gateway, Coin amount) implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** Closes the owner's inference account with {@code gateway}: the balance comes back to the owner. */
    record CloseInferenceAccount(Address owner, Address gateway) implements Msg {
        public Address signer() {
            return owner;
        }
    }

    /** A gateway settles batch {@code batch} of its metered usage: one charge per account, owners ascending. */
    record ChargeInference(Address gateway, long batch, List<InferenceCharge> charges) implements Msg {
        public Address signer() {
            return gateway;
        }
    }
}
