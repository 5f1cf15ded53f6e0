package app.mealplanner.api.auth;

import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.UnauthorizedException;

/** The authenticated user of this request, from the token's subject. */
@RequestScoped
public class CurrentUser {

    private final JsonWebToken token;

    public CurrentUser(JsonWebToken token) {
        this.token = token;
    }

    public UUID id() {
        try {
            UUID id = UUID.fromString(token.getSubject());
            org.jboss.logging.MDC.put("userId", id.toString());
            return id;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UnauthorizedException("token without a user id");
        }
    }
}
