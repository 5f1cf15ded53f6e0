package app.mealplanner.api.auth;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * Failures of one email from one client address since {@code windowStart}; counted by {@link WindowCounter}
 * with a native upsert (HQL has no {@code INSERT … ON CONFLICT … RETURNING}), purged with HQL.
 */
@Entity
@Table(name = "login_failure")
@IdClass(LoginFailure.Key.class)
public class LoginFailure {

    /** The primary key: one counter per email and client address. */
    public static class Key implements Serializable {
        public String email;
        public String address;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.email, email) && Objects.equals(k.address, address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(email, address);
        }
    }

    @Id
    public String email;

    @Id
    public String address;

    @Column(nullable = false)
    public int failures;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;
}
