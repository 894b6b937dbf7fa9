package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A self-signed client certificate for mutual TLS with providers, as Akash's tools make one: an ECDSA P-256
 * key and an X.509 certificate whose one common name is the account's address, valid for a year. The
 * ledger publishes the certificate and its public key; the private key stays with the tenant.
 */
public record TlsCertificate(BigInteger serial, String certPem, String publicKeyPem, String privateKeyPem) {
    /** How long a new certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    /** A new key and certificate for {@code owner}. */
    public static TlsCertificate create(Address owner) {
        return create(owner, java.util.List.of());
    }

    /**
     * A new key and certificate for {@code owner} that also names {@code hosts} (DNS names or IP addresses) as
     * subject alternative names, for a server (a provider's gateway) that clients check by host name.
     */
    public static TlsCertificate create(Address owner, java.util.List<String> hosts) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = gen.generateKeyPair();
            BigInteger serial = new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, owner.toString())
                    .build();
            AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            Instant now = Instant.now();
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(serial));
            tbs.setSignature(alg);
            tbs.setIssuer(subject);
            tbs.setSubject(subject);
            tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofMinutes(5)))));
            tbs.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
            tbs.setSubjectPublicKeyInfo(
                    SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
            if (!hosts.isEmpty()) {
                java.util.List<org.bouncycastle.asn1.x509.GeneralName> names = new java.util.ArrayList<>();
                for (String h : hosts) {
                    boolean ip = h.matches("[0-9.]+") || h.contains(":");
                    names.add(new org.bouncycastle.asn1.x509.GeneralName(
                            ip
                                    ? org.bouncycastle.asn1.x509.GeneralName.iPAddress
                                    : org.bouncycastle.asn1.x509.GeneralName.dNSName,
                            h));
                }
                org.bouncycastle.asn1.x509.ExtensionsGenerator ext =
                        new org.bouncycastle.asn1.x509.ExtensionsGenerator();
                ext.addExtension(
                        org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
                        false,
                        new org.bouncycastle.asn1.x509.GeneralNames(
                                names.toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
                tbs.setExtensions(ext.generate());
            }
            TBSCertificate body = tbs.generateTBSCertificate();
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key.getPrivate());
            signer.update(body.getEncoded(ASN1Encoding.DER));
            ASN1EncodableVector cert = new ASN1EncodableVector();
            cert.add(body);
            cert.add(alg);
            cert.add(new DERBitString(signer.sign()));
            return new TlsCertificate(
                    serial,
                    pem("CERTIFICATE", new DERSequence(cert).getEncoded(ASN1Encoding.DER)),
                    pem("EC PUBLIC KEY", key.getPublic().getEncoded()),
                    pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
