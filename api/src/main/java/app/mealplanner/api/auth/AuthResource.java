package app.mealplanner.api.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import app.mealplanner.api.error.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.http.HttpServerRequest;

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

    /** bcrypt uses the first 72 bytes of a password and ignores the rest (OWASP Password Storage cheat sheet). */
    static final int BCRYPT_MAX_BYTES = 72;

    /** Compared against when the email is unknown, so a wrong email costs as long as a wrong password. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("not-a-real-password");

    private final Users users;
    private final AuthConfig config;
    private final LoginThrottle throttle;
    private final RegistrationLimit registrations;

    public AuthResource(Users users, AuthConfig config, LoginThrottle throttle, RegistrationLimit registrations) {
        this.users = users;
        this.config = config;
        this.throttle = throttle;
        this.registrations = registrations;
    }

    private static boolean fitsBcrypt(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= BCRYPT_MAX_BYTES;
    }

    @POST
    @Path("/register")
    public Response register(@Valid @NotNull Registration registration, @Context HttpServerRequest http) {
        if (!fitsBcrypt(registration.password())) {
            throw ApiException.invalid("password", "must be at most " + BCRYPT_MAX_BYTES
                    + " bytes in UTF-8 (bcrypt reads no more)");
        }
        registrations.count(ClientAddress.of(http));
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
    public AccessToken login(@Valid @NotNull Login login, @Context HttpServerRequest http) {
        String email = login.email().trim().toLowerCase(Locale.ROOT);
        String address = ClientAddress.of(http);
        throttle.attempt(email, address);
        // no account has a password over 72 bytes, and bcrypt would compare only its first 72
        Users.User user = fitsBcrypt(login.password()) ? users.findByEmail(email).orElse(null) : null;
        boolean valid = BcryptUtil.matches(login.password(), user == null ? DUMMY_HASH : user.passwordHash());
        if (user == null || !valid) {
            throw new ApiException(401, "invalid-credentials", "Unauthorized", "Invalid email or password.");
        }
        throttle.succeeded(email, address);
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
