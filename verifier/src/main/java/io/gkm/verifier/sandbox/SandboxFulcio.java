package io.gkm.verifier.sandbox;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Fulcio-like certificate authority: a self-signed root, an intermediate that issues, and
 * short-lived code-signing leaf certificates for a {@link SigningIdentity}, each with Fulcio's
 * identity extensions and an SCT embedded through the RFC 6962 precertificate flow.
 */
public final class SandboxFulcio {
    /** Fulcio's first issuer extension: the issuer URL as raw bytes (not DER), still read by verifiers. */
    public static final ASN1ObjectIdentifier ISSUER_V1 = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.1");
    /** Fulcio's current issuer extension: the issuer URL as a DER UTF8String. */
    public static final ASN1ObjectIdentifier ISSUER_V2 = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.8");
    /** Fulcio's leaves live ten minutes: long enough to sign, too short to be worth stealing. */
    public static final Duration LEAF_LIFETIME = Duration.ofMinutes(10);

    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final SecureRandom SERIALS = new SecureRandom();

    private final String name;
    private final String uri;
    private final X509Certificate root;
    private final X509Certificate intermediate;
    private final PrivateKey intermediateKey;
    private final SandboxCtLog ctLog;

    /**
     * A new CA named {@code name} whose certificates are valid from {@code validFrom}; its leaves
     * get their SCTs from {@code ctLog}.
     */
    SandboxFulcio(String name, Instant validFrom, SandboxCtLog ctLog) {
        this.name = name;
        this.uri = "https://" + name + ".gkm.test";
        this.ctLog = ctLog;
        Instant validTo = validFrom.plus(CA_LIFETIME);
        KeyPair rootKey = Crypto.ecKeyPair(Crypto.P384);
        X500Name rootName = new X500Name("O=gkm.test, CN=" + name);
        X509v3CertificateBuilder rootBuilder = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(validFrom),
                Date.from(validTo), rootName, rootKey.getPublic());
        addCaExtensions(rootBuilder, 1, rootKey.getPublic(), null);
        this.root = certificate(rootBuilder, rootKey.getPrivate());

        KeyPair issuingKey = Crypto.ecKeyPair(Crypto.P384);
        X509v3CertificateBuilder intermediateBuilder = new JcaX509v3CertificateBuilder(root, serial(),
                Date.from(validFrom), Date.from(validTo), new X500Name("O=gkm.test, CN=" + name + "-intermediate"),
                issuingKey.getPublic());
        addCaExtensions(intermediateBuilder, 0, issuingKey.getPublic(), root);
        this.intermediate = certificate(intermediateBuilder, rootKey.getPrivate());
        this.intermediateKey = issuingKey.getPrivate();
    }

    /** The root's common name, e.g. {@code gkm-test-fulcio}. */
    public String name() {
        return name;
    }

    /** The CA's URI, as a trusted root's {@code certificateAuthorities[].uri}. */
    public String uri() {
        return uri;
    }

    public X509Certificate rootCertificate() {
        return root;
    }

    public X509Certificate intermediateCertificate() {
        return intermediate;
    }

    /** The CA chain leaf-most first (intermediate, root): cosign's chain annotation and a trusted root's certChain. */
    public List<X509Certificate> chain() {
        return List.of(intermediate, root);
    }

    /**
     * Issues a leaf for {@code identity}'s {@code subjectKey}, valid from {@code notBefore} to
     * {@code notAfter}: empty subject, critical SAN, digitalSignature, codeSigning, both issuer
     * extensions, and an SCT that the CT log signed over the precertificate at {@code notBefore}.
     */
    public X509Certificate issue(SigningIdentity identity, PublicKey subjectKey, Instant notBefore, Instant notAfter) {
        JcaX509ExtensionUtils extensionUtils = extensionUtils();
        X509v3CertificateBuilder precertificate = new JcaX509v3CertificateBuilder(intermediate, serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name(new RDN[0]), subjectKey);
        int sanType = identity.kind() == SigningIdentity.SubjectKind.EMAIL ? GeneralName.rfc822Name
                : GeneralName.uniformResourceIdentifier;
        try {
            precertificate
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensionUtils.createAuthorityKeyIdentifier(intermediate))
                    // Fulcio's subject is empty, so the SAN must be critical (RFC 5280 section 4.2.1.6).
                    .addExtension(Extension.subjectAlternativeName, true,
                            new GeneralNames(new GeneralName(sanType, identity.subject())))
                    .addExtension(ISSUER_V1, false, identity.issuer().getBytes(StandardCharsets.UTF_8))
                    .addExtension(ISSUER_V2, false, new DERUTF8String(identity.issuer()))
                    // Last, so that swapping it for the SCT list keeps every other extension in place.
                    .addExtension(SandboxCtLog.PRECERTIFICATE_POISON, true, DERNull.INSTANCE);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a leaf certificate extension", e);
        }
        X509CertificateHolder signedPrecertificate = holder(precertificate, intermediateKey);
        byte[] sct = ctLog.submitPrecertificate(signedPrecertificate, intermediate, notBefore);
        X509v3CertificateBuilder leaf = new X509v3CertificateBuilder(signedPrecertificate)
                .removeExtension(SandboxCtLog.PRECERTIFICATE_POISON);
        try {
            leaf.addExtension(SandboxCtLog.SCT_LIST_EXTENSION, false, new DEROctetString(SandboxCtLog.sctList(sct)));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode the SCT list extension", e);
        }
        return certificate(leaf, intermediateKey);
    }

    private static void addCaExtensions(X509v3CertificateBuilder builder, int pathLength, PublicKey key,
            X509Certificate issuer) {
        JcaX509ExtensionUtils extensionUtils = extensionUtils();
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(key));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensionUtils.createAuthorityKeyIdentifier(issuer));
            }
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a CA certificate extension", e);
        }
    }

    /** A new one each time: its SHA-1 calculator keeps state, and {@link #issue} may run on several threads. */
    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has SHA-1 for key identifiers", e);
        }
    }

    private static X509Certificate certificate(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder(builder, signer));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read back a certificate this CA made", e);
        }
    }

    private static X509CertificateHolder holder(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return builder.build(new JcaContentSignerBuilder(Crypto.signatureAlgorithm(signer)).build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate with an EC key", e);
        }
    }

    /** Positive, 159 bits: within RFC 5280's 20 octets whatever the top bit. */
    private static BigInteger serial() {
        return new BigInteger(159, SERIALS);
    }
}
