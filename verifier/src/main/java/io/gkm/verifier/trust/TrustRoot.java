package io.gkm.verifier.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.trustroot.CertificateAuthority;
import dev.sigstore.trustroot.ImmutableValidFor;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.trustroot.TransparencyLog;
import dev.sigstore.trustroot.ValidFor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;

/**
 * What we trust to vouch for signatures: Fulcio CAs (and other X.509 CAs) with validity windows,
 * Rekor transparency log keys and CT log keys by log id with validity windows, and timestamp
 * authorities. Loaded from a Sigstore {@code trusted_root.json} ({@link #fromFile}) or assembled
 * from PEM files ({@link #builder}), the way cosign is configured with {@code fulcio_v1.crt.pem}
 * and {@code rekor.pub}, or with a private PKI's root and intermediate certificates.
 *
 * <p>The trust decisions ({@link #verifyCertificateChain}, {@link #verifySct},
 * {@link #verifyTlogEntry}, {@link #verifiedTimestamps}) are shared by the cosign v2 and bundle
 * verifiers. Immutable and thread-safe.
 */
public final class TrustRoot {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final List<FulcioCa> fulcioCas;
    private final List<LogKey> tlogs;
    private final List<LogKey> ctlogs;
    private final List<CertificateAuthority> timestampAuthorities;

    private TrustRoot(String source, List<FulcioCa> fulcioCas, List<LogKey> tlogs, List<LogKey> ctlogs,
            List<CertificateAuthority> timestampAuthorities) {
        this.source = source;
        this.fulcioCas = List.copyOf(fulcioCas);
        this.tlogs = List.copyOf(tlogs);
        this.ctlogs = List.copyOf(ctlogs);
        this.timestampAuthorities = List.copyOf(timestampAuthorities);
    }

    /** Reads a Sigstore {@code trusted_root.json}; every validity window must have a start. */
    public static TrustRoot fromFile(Path trustedRootJson) throws VerificationException {
        String source = trustedRootJson.toString();
        byte[] json;
        try {
            json = Files.readAllBytes(trustedRootJson);
        } catch (IOException e) {
            throw new VerificationException(Check.TRUST_ROOT, "cannot read trusted root " + source + ": " + e, e);
        }
        requireValidityStarts(json, source);
        SigstoreTrustedRoot parsed;
        try {
            parsed = SigstoreTrustedRoot.from(new ByteArrayInputStream(json));
        } catch (SigstoreConfigurationException | RuntimeException e) {
            throw new VerificationException(Check.TRUST_ROOT, source + " is not a usable Sigstore trusted root: "
                    + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
        List<FulcioCa> cas = new ArrayList<>();
        for (CertificateAuthority ca : parsed.getCAs()) {
            @SuppressWarnings("unchecked")
            List<X509Certificate> chain = (List<X509Certificate>) ca.getCertPath().getCertificates();
            if (chain.isEmpty()) {
                throw new VerificationException(Check.TRUST_ROOT, source + ": certificate authority " + ca.getUri()
                        + " has no certificates");
            }
            // trusted_root.json lists a CA's chain leaf-most first; the last one is the trust anchor.
            cas.add(new FulcioCa(ca.getUri().toString(), chain.get(chain.size() - 1),
                    chain.subList(0, chain.size() - 1), ca.getValidFor()));
        }
        return new TrustRoot(source, cas, logKeys(parsed.getTLogs(), source), logKeys(parsed.getCTLogs(), source),
                parsed.getTSAs());
    }

    /** Starts a trust root assembled from PEM files or PEM text. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A trust root whose CAs (and timestamp authorities), Rekor keys and CT log keys each come from
     * one of the given roots: how a policy entry's {@code roots}, {@code rekor.pubkey} and
     * {@code ctlog.pubkey} replace the parts of the configured trusted root.
     */
    public static TrustRoot combine(TrustRoot cas, TrustRoot tlogs, TrustRoot ctlogs) {
        Set<String> sources = new LinkedHashSet<>();
        for (TrustRoot root : List.of(cas, tlogs, ctlogs)) {
            if (!root.source.isEmpty()) {
                sources.add(root.source);
            }
        }
        return new TrustRoot(String.join(" + ", sources), cas.fulcioCas, tlogs.tlogs, ctlogs.ctlogs,
                cas.timestampAuthorities);
    }

    /** Where this trust root came from, for messages: a file path or the PEM origins. */
    public String source() {
        return source;
    }

    /**
     * Builds and validates a path from {@code leaf} to the anchor of a CA whose window contains
     * the leaf's issuance time, with certificate validity checked at {@code signingTime}.
     * Intermediates come from the CA and from {@code untrustedChain} (e.g. cosign's chain
     * annotation); self-signed certificates in the latter never become anchors.
     *
     * @return the path leaf first, anchor last
     */
    public List<X509Certificate> verifyCertificateChain(X509Certificate leaf, List<X509Certificate> untrustedChain,
            Instant signingTime) throws VerificationException {
        return ChainValidator.validate(this, leaf, untrustedChain, signingTime);
    }

    /** Requires an embedded SCT in {@code chain}'s leaf, valid for a CT log of this root at its time. */
    public void verifySct(List<X509Certificate> chain) throws VerificationException {
        ChainValidator.verifySct(this, chain);
    }

    /**
     * Verifies a Rekor v1 entry: its log is in this root and its key valid at the integrated time,
     * the signed entry timestamp (SET) over the canonical entry, and the inclusion proof and its
     * checkpoint when present (whether one is required depends on the bundle version). Whether
     * the body binds the signature is the caller's check ({@link RekorBody}).
     */
    public TlogEntry verifyTlogEntry(RekorEntry entry) throws VerificationException {
        return TlogVerifier.verify(this, entry);
    }

    /**
     * The generation times of those RFC 3161 timestamps over {@code signature} that a timestamp
     * authority of this root signed. Others are left out, not failed: like sigstore-go, a
     * timestamp nobody here vouches for proves nothing, but it does not disprove either.
     */
    public List<Instant> verifiedTimestamps(List<byte[]> rfc3161Timestamps, byte[] signature) {
        return TlogVerifier.verifiedTimestamps(this, rfc3161Timestamps, signature);
    }

    List<FulcioCa> fulcioCas() {
        return fulcioCas;
    }

    List<LogKey> tlogs() {
        return tlogs;
    }

    List<LogKey> ctlogs() {
        return ctlogs;
    }

    List<CertificateAuthority> timestampAuthorities() {
        return timestampAuthorities;
    }

    @Override
    public String toString() {
        return "TrustRoot[" + source + ": " + fulcioCas.size() + " CAs, " + tlogs.size() + " Rekor keys, "
                + ctlogs.size() + " CT keys, " + timestampAuthorities.size() + " TSAs]";
    }

    /**
     * sigstore-java reads a missing {@code validFor.start} as the epoch, i.e. trusted since
     * forever; a trust root that forgets a start is malformed and refused instead.
     */
    private static void requireValidityStarts(byte[] json, String source) throws VerificationException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new VerificationException(Check.TRUST_ROOT, source + " is not JSON: " + e.getMessage(), e);
        }
        for (String logs : List.of("tlogs", "ctlogs")) {
            for (JsonNode log : root.path(logs)) {
                requireStart(log.path("publicKey").path("validFor"), logs + " entry " + log.path("baseUrl").asText(), source);
            }
        }
        for (String authorities : List.of("certificateAuthorities", "timestampAuthorities")) {
            for (JsonNode authority : root.path(authorities)) {
                requireStart(authority.path("validFor"), authorities + " entry " + authority.path("uri").asText(), source);
            }
        }
    }

    private static void requireStart(JsonNode validFor, String what, String source) throws VerificationException {
        if (!validFor.path("start").isTextual()) {
            throw new VerificationException(Check.TRUST_ROOT, source + ": " + what + " has no validFor.start");
        }
    }

    private static List<LogKey> logKeys(List<TransparencyLog> logs, String source) throws VerificationException {
        List<LogKey> keys = new ArrayList<>();
        for (TransparencyLog log : logs) {
            try {
                keys.add(LogKey.of(log, javaKey(log.getPublicKey())));
            } catch (VerificationException e) {
                throw new VerificationException(Check.TRUST_ROOT, source + ": log " + log.getBaseUrl() + ": "
                        + e.getMessage(), e);
            }
        }
        return keys;
    }

    /**
     * Trust roots hold SubjectPublicKeyInfo, except for PKCS#1 RSA keys (old CT logs). Read with
     * the JDK, not sigstore-java's {@code Keys}, whose class initialisation needs the whole
     * BouncyCastle provider.
     */
    private static PublicKey javaKey(dev.sigstore.trustroot.PublicKey key) throws VerificationException {
        if (key.getKeyDetails().startsWith("PKCS1_RSA")) {
            try {
                RSAPublicKey rsa = RSAPublicKey.getInstance(key.getRawBytes());
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(),
                        rsa.getPublicExponent()));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new VerificationException(Check.KEY, "unreadable PKCS#1 RSA key: " + e.getMessage(), e);
            }
        }
        return Pem.publicKey(key.getRawBytes());
    }

    /** A trust root from PEM certificates and keys; each addition names its origin for messages. */
    public static final class Builder {
        private final List<X509Certificate> roots = new ArrayList<>();
        private final List<X509Certificate> intermediates = new ArrayList<>();
        private final List<LogKey> tlogs = new ArrayList<>();
        private final List<LogKey> ctlogs = new ArrayList<>();
        private final Set<String> origins = new LinkedHashSet<>();

        private Builder() {
        }

        /** CA certificates from a PEM file: self-signed ones are roots, the others intermediates. */
        public Builder caCertificates(Path pemFile) throws VerificationException {
            return caCertificates(read(pemFile), pemFile.getFileName().toString());
        }

        /** CA certificates from PEM text: self-signed ones are roots, the others intermediates. */
        public Builder caCertificates(String pem, String origin) throws VerificationException {
            List<X509Certificate> certificates;
            try {
                certificates = Pem.certificates(pem);
            } catch (CertificateException e) {
                throw new VerificationException(Check.TRUST_ROOT, origin + ": " + e.getMessage(), e);
            }
            if (certificates.isEmpty()) {
                throw new VerificationException(Check.TRUST_ROOT, origin + ": no PEM certificate found");
            }
            for (X509Certificate certificate : certificates) {
                (ChainValidator.isSelfSigned(certificate) ? roots : intermediates).add(certificate);
            }
            origins.add(origin);
            return this;
        }

        /** A Rekor public key from a PEM file; its log id is the sha256 of the key. */
        public Builder rekorKey(Path pemFile) throws VerificationException {
            return rekorKey(publicKeyFrom(pemFile), pemFile.getFileName().toString());
        }

        /** A Rekor public key, trusted without time limit; {@code origin} names it in messages. */
        public Builder rekorKey(PublicKey key, String origin) {
            tlogs.add(LogKey.untimed(key, origin));
            origins.add(origin);
            return this;
        }

        /** A CT log public key from a PEM file. */
        public Builder ctLogKey(Path pemFile) throws VerificationException {
            return ctLogKey(publicKeyFrom(pemFile), pemFile.getFileName().toString());
        }

        /** A CT log public key, trusted without time limit. */
        public Builder ctLogKey(PublicKey key, String origin) {
            ctlogs.add(LogKey.untimed(key, origin));
            origins.add(origin);
            return this;
        }

        public TrustRoot build() {
            List<FulcioCa> cas = new ArrayList<>();
            for (X509Certificate root : roots) {
                // No window beyond the certificates' own: PKIX checks their validity at signing time.
                ValidFor window = ImmutableValidFor.builder().start(root.getNotBefore().toInstant()).build();
                cas.add(new FulcioCa(root.getSubjectX500Principal().getName(), root, intermediates, window));
            }
            return new TrustRoot(String.join(" + ", origins), cas, tlogs, ctlogs, List.of());
        }

        private static PublicKey publicKeyFrom(Path pemFile) throws VerificationException {
            try {
                return Pem.publicKey(read(pemFile));
            } catch (VerificationException e) {
                throw new VerificationException(Check.TRUST_ROOT, pemFile + ": " + e.getMessage(), e);
            }
        }

        private static String read(Path file) throws VerificationException {
            try {
                return Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new VerificationException(Check.TRUST_ROOT, "cannot read " + file + ": " + e, e);
            }
        }
    }

    /** A CA: its anchor, the intermediates it vouches for, and when it issued certificates. */
    record FulcioCa(String name, X509Certificate anchor, List<X509Certificate> intermediates, ValidFor validFor) {
        FulcioCa {
            intermediates = List.copyOf(intermediates);
        }
    }

    /** A transparency or CT log's key, its id (sha256 of the key as trust roots define it) and validity. */
    record LogKey(String url, byte[] logId, PublicKey key, ValidFor validFor) {

        static LogKey of(TransparencyLog log, PublicKey key) {
            return new LogKey(log.getBaseUrl().toString(), log.getLogId().getKeyId(), key, log.getPublicKey().getValidFor());
        }

        /** A key from a PEM file: its id is the sha256 of its SubjectPublicKeyInfo, and it never expires. */
        static LogKey untimed(PublicKey key, String origin) {
            return new LogKey(origin, sha256(key.getEncoded()), key, ImmutableValidFor.builder().start(Instant.EPOCH).build());
        }

        String logIdHex() {
            return HexFormat.of().formatHex(logId);
        }

        boolean isValidAt(Instant time) {
            return validFor.contains(time);
        }

        String describeValidity() {
            return validFor.getStart() + " to " + validFor.getEnd().map(Instant::toString).orElse("open end");
        }
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
