package app.mealplanner.api.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import app.mealplanner.api.error.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.jwt.build.Jwt;

/** Registration and login: bcrypt password hashes, RS256 access tokens. */
@Path("/api/auth")
@PermitAll
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    public record Registration(
            @NotBlank @Email @Size(max = 254) String email,
            @NotNull @Size(min = 8, max = 128) String password,
            @Size(max = 100) String displayName) {
    }

    public record Login(@NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 128) String password) {
    }

    public record UserView(UUID id, String email, String displayName) {
    }

    public record AccessToken(String accessToken, String tokenType, long expiresIn) {
    }

    /** Compared against when the email is unknown, so a wrong email costs as long as a wrong password. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("not-a-real-password");

    private final Users users;
    private final AuthConfig config;
    private final LoginThrottle throttle;

    public AuthResource(Users users, AuthConfig config, LoginThrottle throttle) {
        this.users = users;
        this.config = config;
        this.throttle = throttle;
    }

    @POST
    @Path("/register")
    public Response register(@Valid @NotNull Registration registration) {
        String email = registration.email().trim().toLowerCase(Locale.ROOT);
        Users.User user = users.insert(email, BcryptUtil.bcryptHash(registration.password()),
                registration.displayName())
                .orElseThrow(() -> new ApiException(409, "email-taken", "Conflict",
                        "An account with this email already exists."));
        return Response.created(URI.create("/api/users/" + user.id()))
                .entity(new UserView(user.id(), user.email(), user.displayName())).build();
    }

    @POST
    @Path("/login")
    public AccessToken login(@Valid @NotNull Login login) {
        throttle.check(login.email());
        Users.User user = users.findByEmail(login.email().trim()).orElse(null);
        boolean valid = BcryptUtil.matches(login.password(), user == null ? DUMMY_HASH : user.passwordHash());
        if (user == null || !valid) {
            throttle.failed(login.email());
            throw new ApiException(401, "invalid-credentials", "Unauthorized", "Invalid email or password.");
        }
        throttle.succeeded(login.email());
        long ttl = config.tokenTtl().toSeconds();
        String token = Jwt.issuer(config.issuer())
                .audience(AuthConfig.AUDIENCE)
                .subject(user.id().toString())
                .groups(Set.of("user"))
                .expiresIn(ttl)
                .sign();
        return new AccessToken(token, "Bearer", ttl);
    }
}
