package io.fmkt.service.eval;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks HTTP basic credentials against the one configured operator ({@link EvalSettings}) and grants
 * the {@code operator} role that the mutating endpoints require. Without a configured password,
 * nobody is authenticated: the endpoints stay closed, never open by default.
 */
@ApplicationScoped
public class OperatorIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
    static final String ROLE = "operator";

    @Inject
    EvalSettings settings;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String expected = settings.operatorPassword().orElse(null);
        boolean ok = expected != null && !expected.isEmpty()
                && MessageDigest.isEqual(bytes(request.getUsername()), bytes(settings.operatorUser()))
                && MessageDigest.isEqual(bytes(new String(request.getPassword().getPassword())), bytes(expected));
        if (!ok) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(request.getUsername())).addRole(ROLE).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
