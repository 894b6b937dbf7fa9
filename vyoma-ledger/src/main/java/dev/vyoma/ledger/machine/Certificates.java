package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.cert.Certificate;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Certificates for mutual TLS: a self-signed X.509 certificate whose subject common name is the owner's
 * address, published with its public key; revocable by the owner.
 */
public final class Certificates {
    public static final int MAX_PEM_BYTES = 8 * 1024;

    private Certificates() {}

    static X509Certificate parse(Msg.CreateCertificate c) {
        Rejected.unless(
                c.certPem().length() <= MAX_PEM_BYTES && c.publicKeyPem().length() <= MAX_PEM_BYTES,
                ErrorCode.CERT_INVALID,
                () -> "certificate and key are at most " + MAX_PEM_BYTES + " bytes of PEM");
        Rejected.unless(
                c.certPem().contains("-----BEGIN CERTIFICATE-----"),
                ErrorCode.CERT_INVALID,
                "the certificate must be PEM (BEGIN CERTIFICATE)");
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(c.certPem().getBytes(StandardCharsets.US_ASCII)));
            cert.verify(cert.getPublicKey());
            Rejected.unless(
                    commonNameIs(cert, c.owner().toString()),
                    ErrorCode.CERT_INVALID,
                    () -> "the certificate's common name must be " + c.owner());
            byte[] key = pemBody(c.publicKeyPem());
            KeyFactory.getInstance(cert.getPublicKey().getAlgorithm()).generatePublic(new X509EncodedKeySpec(key));
            Rejected.unless(
                    Arrays.equals(key, cert.getPublicKey().getEncoded()),
                    ErrorCode.CERT_INVALID,
                    "the public key does not belong to the certificate");
            return cert;
        } catch (Rejected r) {
            throw r;
        } catch (Exception e) {
            throw new Rejected(
                    ErrorCode.CERT_INVALID, "not a valid self-signed certificate and key: " + e.getMessage());
        }
    }

    /** Whether the subject has exactly one common name and it equals {@code owner}. */
    private static boolean commonNameIs(X509Certificate cert, String owner) {
        try {
            var name = new javax.naming.ldap.LdapName(
                    cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            java.util.List<String> cns = name.getRdns().stream()
                    .filter(r -> r.getType().equalsIgnoreCase("CN"))
                    .map(r -> String.valueOf(r.getValue()))
                    .toList();
            return cns.size() == 1 && cns.get(0).equals(owner);
        } catch (javax.naming.InvalidNameException e) {
            return false;
        }
    }

    private static byte[] pemBody(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** Handles the cert module's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.CreateCertificate c -> {
                X509Certificate cert = parse(c);
                CertificateId id =
                        new CertificateId(c.owner(), cert.getSerialNumber().toString());
                Rejected.unless(
                        !ctx.state().certificates.contains(id),
                        ErrorCode.CERT_EXISTS,
                        () -> "certificate " + id.serial() + " exists");
                ctx.state()
                        .certificates
                        .put(id, new Certificate(id, false, c.certPem(), c.publicKeyPem(), ctx.height()));
                ctx.emit(new Event.CertificateCreated(id));
            }
            case Msg.RevokeCertificate r -> {
                Certificate cert = ctx.state().certificates.get(r.id());
                Rejected.unless(cert != null, ErrorCode.CERT_NOT_FOUND, () -> "no certificate " + r.id().serial());
                Rejected.unless(
                        !cert.revoked(),
                        ErrorCode.CERT_REVOKED,
                        () -> "certificate " + r.id().serial() + " is already revoked");
                ctx.state()
                        .certificates
                        .put(
                                r.id(),
                                new Certificate(r.id(), true, cert.certPem(), cert.publicKeyPem(), cert.createdAt()));
                ctx.emit(new Event.CertificateRevoked(r.id()));
            }
            default -> throw new IllegalArgumentException("not a cert message: " + m.kind());
        }
    }
}
