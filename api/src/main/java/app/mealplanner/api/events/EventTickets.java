package app.mealplanner.api.events;

import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import app.mealplanner.api.auth.AuthConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/**
 * Short-lived tickets for {@code GET /api/jobs/{id}/events}: a browser's EventSource cannot send an
 * Authorization header, so the page first asks for a ticket (with its bearer token) and puts it in the
 * URL. A ticket is an RS256 token for one user and one job, valid for 60 s, with its own audience: it is
 * not accepted as an access token, and an access token is not accepted as a ticket. Stateless, so any
 * api pod can check a ticket another pod issued.
 */
@ApplicationScoped
public class EventTickets {

    public static final String AUDIENCE = "meal-planner-events";
    public static final long TTL_SECONDS = 60;

    private final AuthConfig config;
    private final JWTParser parser;
    private final JWTAuthContextInfo ticketContext;

    public EventTickets(AuthConfig config, JWTParser parser, JWTAuthContextInfo accessTokenContext) {
        this.config = config;
        this.parser = parser;
        this.ticketContext = new JWTAuthContextInfo(accessTokenContext);
        this.ticketContext.setExpectedAudience(Set.of(AUDIENCE));
    }

    public String issue(UUID userId, UUID jobId) {
        return Jwt.issuer(config.issuer()).subject(userId.toString()).audience(AUDIENCE)
                .claim("job", jobId.toString()).expiresIn(TTL_SECONDS).sign();
    }

    /** The user the ticket was issued to, if it is valid for this job. */
    public UUID verify(String ticket, UUID jobId) {
        try {
            JsonWebToken token = parser.parse(ticket, ticketContext);
            if (!jobId.toString().equals(token.getClaim("job"))) {
                throw new AuthenticationFailedException("ticket for another job");
            }
            return UUID.fromString(token.getSubject());
        } catch (ParseException | IllegalArgumentException e) {
            throw new AuthenticationFailedException("invalid ticket", e);
        }
    }
}
