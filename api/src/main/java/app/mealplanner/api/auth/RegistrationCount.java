package app.mealplanner.api.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Registrations from one client address since {@code windowStart}; counted by {@link WindowCounter}. */
@Entity
@Table(name = "registration_count")
public class RegistrationCount {

    @Id
    public String address;

    @Column(nullable = false)
    public int registrations;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;
}
