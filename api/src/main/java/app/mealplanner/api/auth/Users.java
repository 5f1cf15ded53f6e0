package app.mealplanner.api.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import app.mealplanner.common.db.Database;

/** Reads and writes {@code app_user}. Emails are unique regardless of case. */
@ApplicationScoped
public class Users {

    public record User(UUID id, String email, String passwordHash, String displayName) {
    }

    private final Database database;

    public Users(Database database) {
        this.database = database;
    }

    /** Inserts a user; empty when the email is taken. */
    public Optional<User> insert(String email, String passwordHash, String displayName) {
        UUID id = UUID.randomUUID();
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into app_user (id, email, password_hash, "
                    + "display_name) values (?, ?, ?, ?) on conflict do nothing")) {
                ps.setObject(1, id);
                ps.setString(2, email);
                ps.setString(3, passwordHash);
                ps.setString(4, displayName);
                return ps.executeUpdate() == 1
                        ? Optional.of(new User(id, email, passwordHash, displayName))
                        : Optional.<User>empty();
            }
        });
    }

    public Optional<User> findByEmail(String email) {
        return database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, email, password_hash, display_name "
                    + "from app_user where lower(email) = lower(?)")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                    rs.getString(4)))
                            : Optional.<User>empty();
                }
            }
        });
    }
}
