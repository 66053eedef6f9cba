package io.gkm.ingest.admission;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether admission relies on Kyverno having verified the image ({@code KYVERNO_VERIFICATION_ENABLED},
 * as in GKM). Parsed as GKM parses it: unset or empty means enabled; {@code true/1/yes} and
 * {@code false/0/no} in any case; any other value means enabled, with a warning naming the value.
 *
 * @param enabled whether verification is enabled
 * @param unrecognisedValue the value that was not understood (and so read as enabled); null if none
 */
public record KyvernoVerification(boolean enabled, String unrecognisedValue) {
    /** GKM's environment variable. */
    public static final String GKM_ENV_VAR = "KYVERNO_VERIFICATION_ENABLED";

    public static final KyvernoVerification ENABLED = new KyvernoVerification(true, null);
    public static final KyvernoVerification DISABLED = new KyvernoVerification(false, null);

    /** Never fails: an unknown value falls back to enabled, the safe side. */
    public static KyvernoVerification parse(String text) {
        if (text == null || text.isEmpty()) {
            return ENABLED;
        }
        // Not trimmed, like GKM: " false" is not "false", and unknown values fail safe.
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "yes": return ENABLED;
            case "false": case "0": case "no": return DISABLED;
            default: return new KyvernoVerification(true, text);
        }
    }

    /** The start-up warning for a value that was not understood. */
    public Optional<String> warning() {
        return unrecognisedValue == null ? Optional.empty() : Optional.of("Kyverno verification setting '"
                + unrecognisedValue + "' is not one of true/1/yes/false/0/no; verification stays enabled");
    }
}
