package app.mealplanner.api.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Failures from one client address across all emails since {@code windowStart}; counted by {@link WindowCounter}. */
@Entity
@Table(name = "login_failure_address")
public class LoginFailureAddress {

    @Id
    public String address;

    @Column(nullable = false)
    public int failures;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;
}
