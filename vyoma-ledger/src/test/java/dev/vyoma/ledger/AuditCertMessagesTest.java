package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.rejectedAtAdmission;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.audit.AuditKey;
import dev.vyoma.ledger.audit.AuditedAttributes;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.cert.Certificate;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.Attribute;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SignProviderAttributes, DeleteProviderAttributes, CreateCertificate, RevokeCertificate. Certificates
 * are real self-signed X.509 (ECDSA P-256) built at test time from BouncyCastle's ASN.1 classes (bcprov),
 * signed with the JDK.
 */
class AuditCertMessagesTest {
    private static final long FEE = 1_000;
    private static KeyPair key1;
    private static KeyPair key2;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        key1 = g.generateKeyPair();
        key2 = g.generateKeyPair();
    }

    private static TestChain chain1() {
        return chain("auditor", "p", "alice", "bob");
    }

    // ----- certificates -----

    /** A PEM block of {@code der}. */
    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** An X.509 certificate of {@code subjectKey} named {@code subject}, signed with {@code signerKey}. */
    private static String certPem(X500Name subject, BigInteger serial, KeyPair subjectKey, KeyPair signerKey)
            throws Exception {
        AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(serial));
        g.setSignature(alg);
        g.setIssuer(subject);
        g.setSubject(subject);
        g.setStartDate(new Time(new Date(1_700_000_000_000L)));
        g.setEndDate(new Time(new Date(1_900_000_000_000L)));
        g.setSubjectPublicKeyInfo(
                SubjectPublicKeyInfo.getInstance(subjectKey.getPublic().getEncoded()));
        TBSCertificate tbs = g.generateTBSCertificate();
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(signerKey.getPrivate());
        s.update(tbs.getEncoded(ASN1Encoding.DER));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(tbs);
        v.add(alg);
        v.add(new DERBitString(s.sign()));
        return pem("CERTIFICATE", new DERSequence(v).getEncoded(ASN1Encoding.DER));
    }

    private static X500Name cn(String name) {
        return new X500Name("CN=" + name);
    }

    private static String keyPem(KeyPair k) {
        return pem("EC PUBLIC KEY", k.getPublic().getEncoded());
    }

    /** A valid self-signed certificate message for {@code owner}. */
    private static Msg.CreateCertificate certificate(Address owner, BigInteger serial, KeyPair k) throws Exception {
        return new Msg.CreateCertificate(owner, certPem(cn(owner.toString()), serial, k, k), keyPem(k));
    }

    @Test
    void createPublishesTheCertificateUnderItsSerial() throws Exception {
        TestChain c = chain1();
        Msg.CreateCertificate m = certificate(c.addr("alice"), BigInteger.valueOf(4242), key1);
        TxResult r = c.ok(c.tx("alice", m));
        CertificateId id = new CertificateId(c.addr("alice"), "4242");
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("alice"), vyo(FEE)), new Event.CertificateCreated(id));
        assertThat(c.ledger.state().certificates.get(id))
                .isEqualTo(new Certificate(id, false, m.certPem(), m.publicKeyPem(), c.height()));
    }

    @Test
    void serialIsUniquePerOwnerEvenAfterRevocation() throws Exception {
        TestChain c = chain1();
        BigInteger serial = new BigInteger("123456789012345678901234567890");
        c.ok(c.tx("alice", certificate(c.addr("alice"), serial, key1)));
        rejectedCharged(c, "alice", ErrorCode.CERT_EXISTS, certificate(c.addr("alice"), serial, key2));
        // Another owner may use the same serial.
        c.ok(c.tx("bob", certificate(c.addr("bob"), serial, key2)));
        CertificateId id = new CertificateId(c.addr("alice"), serial.toString());
        c.ok(c.tx("alice", new Msg.RevokeCertificate(id)));
        rejectedCharged(c, "alice", ErrorCode.CERT_EXISTS, certificate(c.addr("alice"), serial, key1));
        assertThat(c.ledger.state().certificates.get(id).revoked()).isTrue();
    }

    @Test
    void certificateForAnotherNameIsRejected() throws Exception {
        TestChain c = chain1();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"),
                        certPem(cn(c.addr("bob").toString()), BigInteger.ONE, key1, key1),
                        keyPem(key1)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"), certPem(cn("alice"), BigInteger.ONE, key1, key1), keyPem(key1)));
        // The owner's address in another attribute is not the common name.
        String owner = c.addr("alice").toString();
        X500Name inOrganization = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "someone-else")
                .addRDN(BCStyle.O, "CN=" + owner)
                .build();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"), certPem(inOrganization, BigInteger.TWO, key1, key1), keyPem(key1)));
    }

    /** Akash requires the subject common name to equal the owner's address, not merely contain it. */
    @Test
    void commonNameMustBeExactlyTheOwner() throws Exception {
        TestChain c = chain1();
        String owner = c.addr("alice").toString();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"), certPem(cn(owner + "x"), BigInteger.ONE, key1, key1), keyPem(key1)));
    }

    @Test
    void publicKeyMustBeTheCertificatesKey() throws Exception {
        TestChain c = chain1();
        String owner = c.addr("alice").toString();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"), certPem(cn(owner), BigInteger.ONE, key1, key1), keyPem(key2)));
    }

    @Test
    void certificateMustBeSelfSigned() throws Exception {
        TestChain c = chain1();
        String owner = c.addr("alice").toString();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(
                        c.addr("alice"), certPem(cn(owner), BigInteger.ONE, key1, key2), keyPem(key1)));
    }

    @Test
    void malformedPemIsRejected() throws Exception {
        TestChain c = chain1();
        Msg.CreateCertificate good = certificate(c.addr("alice"), BigInteger.TEN, key1);
        List<Msg.CreateCertificate> bad = List.of(
                new Msg.CreateCertificate(c.addr("alice"), "not a certificate", good.publicKeyPem()),
                new Msg.CreateCertificate(
                        c.addr("alice"),
                        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                        good.publicKeyPem()),
                new Msg.CreateCertificate(c.addr("alice"), good.certPem(), "-----BEGIN EC PUBLIC KEY-----\n!!\n"),
                new Msg.CreateCertificate(c.addr("alice"), good.certPem(), ""));
        for (Msg.CreateCertificate m : bad) {
            rejectedCharged(c, "alice", ErrorCode.CERT_INVALID, m);
        }
    }

    @Test
    void pemOfExactly8KiBIsAcceptedOneMoreByteIsNot() throws Exception {
        TestChain c = chain1();
        Msg.CreateCertificate good = certificate(c.addr("alice"), BigInteger.TEN, key1);
        int limit = 8 * 1024;
        String padded =
                good.publicKeyPem() + " ".repeat(limit - good.publicKeyPem().length());
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_INVALID,
                new Msg.CreateCertificate(c.addr("alice"), good.certPem(), padded + " "));
        c.ok(c.tx("alice", new Msg.CreateCertificate(c.addr("alice"), good.certPem(), padded)));
    }

    @Test
    void certificateOfAnotherOwnerIsRefusedAtAdmission() throws Exception {
        TestChain c = chain1();
        rejectedAtAdmission(c, c.tx("alice", certificate(c.addr("bob"), BigInteger.ONE, key1)), ErrorCode.WRONG_SIGNER);
    }

    @Test
    void revokeMarksTheCertificateRevoked() throws Exception {
        TestChain c = chain1();
        c.ok(c.tx("alice", certificate(c.addr("alice"), BigInteger.valueOf(7), key1)));
        long created = c.height();
        CertificateId id = new CertificateId(c.addr("alice"), "7");
        TxResult r = c.ok(c.tx("alice", new Msg.RevokeCertificate(id)));
        assertThat(r.events())
                .containsExactly(new Event.FeePaid(c.addr("alice"), vyo(FEE)), new Event.CertificateRevoked(id));
        Certificate cert = c.ledger.state().certificates.get(id);
        assertThat(cert.revoked()).isTrue();
        assertThat(cert.createdAt()).isEqualTo(created);
        rejectedCharged(c, "alice", ErrorCode.CERT_REVOKED, new Msg.RevokeCertificate(id));
    }

    @Test
    void revokeRejections() throws Exception {
        TestChain c = chain1();
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_NOT_FOUND,
                new Msg.RevokeCertificate(new CertificateId(c.addr("alice"), "7")));
        c.ok(c.tx("alice", certificate(c.addr("alice"), BigInteger.valueOf(7), key1)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.CERT_NOT_FOUND,
                new Msg.RevokeCertificate(new CertificateId(c.addr("alice"), "07")));
        rejectedAtAdmission(
                c,
                c.tx("bob", new Msg.RevokeCertificate(new CertificateId(c.addr("alice"), "7"))),
                ErrorCode.WRONG_SIGNER);
    }

    // ----- audits -----

    private static List<Attribute> attrs(String... kv) {
        List<Attribute> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new Attribute(kv[i], kv[i + 1]));
        }
        return out;
    }

    private static List<Attribute> numbered(int from, int to) {
        List<Attribute> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new Attribute(String.format("k%03d", i), "v"));
        }
        return out;
    }

    private static AuditedAttributes audited(TestChain c) {
        return c.ledger.state().audits.get(new AuditKey(c.addr("p"), c.addr("auditor")));
    }

    @Test
    void signStoresSortedAndMergesWithWhatWasSigned() {
        TestChain c = chain1();
        TxResult r = c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), attrs("tier", "1", "region", "eu"))));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("auditor"), vyo(FEE)),
                        new Event.ProviderAttributesSigned(c.addr("p"), c.addr("auditor")));
        assertThat(audited(c)).isEqualTo(new AuditedAttributes(attrs("region", "eu", "tier", "1")));
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), attrs("tier", "2", "asn", "42"))));
        assertThat(audited(c)).isEqualTo(new AuditedAttributes(attrs("asn", "42", "region", "eu", "tier", "2")));
    }

    @Test
    void signRejections() {
        TestChain c = chain1();
        rejectedCharged(
                c,
                "auditor",
                ErrorCode.INVALID_REQUEST,
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), List.of()));
        rejectedAtAdmission(
                c,
                c.tx("p", new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), attrs("region", "eu"))),
                ErrorCode.WRONG_SIGNER);
    }

    @Test
    void atMostSixtyFourAttributesPerAuditorAfterMerging() {
        TestChain c = chain1();
        c.ok(c.tx("auditor", new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), numbered(0, 60))));
        rejectedCharged(
                c,
                "auditor",
                ErrorCode.INVALID_REQUEST,
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), numbered(58, 65)));
        assertThat(audited(c).attributes()).hasSize(60);
        // Overwriting existing keys does not count twice.
        c.ok(c.tx("auditor", new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), numbered(50, 64))));
        assertThat(audited(c).attributes()).hasSize(64);
    }

    @Test
    void deleteSomeKeysThenTheLastRemovesTheRecord() {
        TestChain c = chain1();
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(
                        c.addr("auditor"), c.addr("p"), attrs("a1", "x", "b1", "y", "c1", "z"))));
        TxResult r = c.ok(
                c.tx("auditor", new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of("a1", "c1"))));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("auditor"), vyo(FEE)),
                        new Event.ProviderAttributesDeleted(c.addr("p"), c.addr("auditor")));
        assertThat(audited(c)).isEqualTo(new AuditedAttributes(attrs("b1", "y")));
        c.ok(c.tx("auditor", new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of("b1"))));
        assertThat(audited(c)).isNull();
    }

    @Test
    void deleteWithNoKeysRemovesEverything() {
        TestChain c = chain1();
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), attrs("a1", "x", "b1", "y"))));
        c.ok(c.tx("auditor", new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of())));
        assertThat(audited(c)).isNull();
    }

    @Test
    void deleteRejections() {
        TestChain c = chain1();
        rejectedCharged(
                c,
                "auditor",
                ErrorCode.AUDIT_NOT_FOUND,
                new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of()));
        c.ok(c.tx(
                "auditor",
                new Msg.SignProviderAttributes(c.addr("auditor"), c.addr("p"), attrs("a1", "x", "b1", "y"))));
        // One missing key refuses the whole message: a1 stays.
        rejectedCharged(
                c,
                "auditor",
                ErrorCode.AUDIT_ATTRIBUTE_NOT_FOUND,
                new Msg.DeleteProviderAttributes(c.addr("auditor"), c.addr("p"), List.of("a1", "zz")));
        assertThat(audited(c)).isEqualTo(new AuditedAttributes(attrs("a1", "x", "b1", "y")));
        // Another auditor's record is not this one's.
        rejectedCharged(
                c,
                "bob",
                ErrorCode.AUDIT_NOT_FOUND,
                new Msg.DeleteProviderAttributes(c.addr("bob"), c.addr("p"), List.of("a1")));
    }
}
