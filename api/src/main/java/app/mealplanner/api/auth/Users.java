package app.mealplanner.api.auth;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.hibernate.jpa.HibernateHints;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Reads and writes {@code app_user} (Panache repository of {@link AppUser}). Emails are unique regardless of case. */
@ApplicationScoped
@Transactional
public class Users implements PanacheRepositoryBase<AppUser, UUID> {

    public record User(UUID id, String email, String passwordHash, String displayName) {
    }

    /**
     * Inserts a user; empty when the email is taken. Native: {@code ON CONFLICT DO NOTHING} on the
     * case-insensitive unique index, so a taken email is an answer, not a failed transaction.
     */
    public Optional<User> insert(String email, String passwordHash, String displayName) {
        UUID id = UUID.randomUUID();
        int inserted = getEntityManager().createNativeQuery("insert into app_user (id, email, password_hash, "
                + "display_name) values (?1, ?2, ?3, ?4) on conflict do nothing")
                .setParameter(1, id).setParameter(2, email).setParameter(3, passwordHash).setParameter(4, displayName)
                .executeUpdate();
        return inserted == 1 ? Optional.of(new User(id, email, passwordHash, displayName)) : Optional.empty();
    }

    public Optional<User> findByEmail(String email) {
        return find("lower(email) = lower(?1)", email).withHint(HibernateHints.HINT_READ_ONLY, true)
                .firstResultOptional()
                .map(u -> new User(u.id, u.email, u.passwordHash, u.displayName));
    }
}
