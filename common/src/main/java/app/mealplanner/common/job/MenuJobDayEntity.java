package app.mealplanner.common.job;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import app.mealplanner.common.menu.Menu;

/** A {@code menu_job_day} row: one validated day of a running job's attempt. */
@Entity
@Table(name = "menu_job_day")
@IdClass(MenuJobDayEntity.Key.class)
public class MenuJobDayEntity {

    /** The primary key: a job has one stored version of each day. */
    public static class Key implements Serializable {
        public UUID jobId;
        public short day;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.day == day && java.util.Objects.equals(k.jobId, jobId);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(jobId, day);
        }
    }

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Id
    public short day;

    @Column(nullable = false)
    public int attempt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Menu.Day body;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
