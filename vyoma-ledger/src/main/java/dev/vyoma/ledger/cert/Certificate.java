package dev.vyoma.ledger.cert;

/** A published certificate (PEM) and its public key (PEM), valid until revoked. */
public record Certificate(CertificateId id, boolean revoked, String certPem, String publicKeyPem, long createdAt) {}
