package io.gkm.testkit;

import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;

/**
 * The broker side of SASL/PLAIN on an {@code @WithKafka(authorizer = true)} cluster: any user
 * logs in with the password {@link #password(String)}, so tests name their users freely (unique
 * per test) instead of listing them before the shared broker starts. What a user may do is up to
 * the ACLs alone.
 */
public final class AnyUserPlainLogin implements AuthenticateCallbackHandler {

    /** The password of {@code user}; the test kit's own super user {@code plain-admin} follows the same rule. */
    public static String password(String user) {
        return user + "-secret";
    }

    @Override
    public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        // nothing to configure: the rule is fixed
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
            } else if (callback instanceof PlainAuthenticateCallback plain) {
                plain.authenticated(user != null && password(user).equals(new String(plain.password())));
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    @Override
    public void close() {
        // holds nothing
    }
}
