package app.mealplanner.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import javax.transaction.xa.XAException;

import org.junit.jupiter.api.Test;

import jakarta.transaction.RollbackException;

class DatabaseExceptionTest {

    /** The shape Narayana gave when PostgreSQL was stopped during a submission's commit (DatabaseOutageTest). */
    private static Throwable failedCommit(SQLException driverFailure) {
        XAException xa = new XAException("Error trying to transactionCommit local transaction: " + driverFailure.getMessage());
        xa.initCause(driverFailure);
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(xa);
        return new RuntimeException("jakarta.transaction.RollbackException: ARJUNA016053", rollback);
    }

    @Test
    void shouldSeeALostConnectionSuppressedInAFailedCommit() {
        SQLException adminShutdown = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        assertThat(DatabaseException.causedByUnavailableDatabase(failedCommit(adminShutdown))).isTrue();
    }

    @Test
    void shouldNotTakeAnotherSqlErrorForAnOutage() {
        SQLException uniqueViolation = new SQLException("duplicate key value violates unique constraint", "23505");
        assertThat(DatabaseException.causedByUnavailableDatabase(failedCommit(uniqueViolation))).isFalse();
    }

    @Test
    void shouldSeeAnOutageInTheCauseChain() {
        Throwable failure = new IllegalStateException(new RuntimeException(new SQLException("connection refused", "08001")));
        assertThat(DatabaseException.causedByUnavailableDatabase(failure)).isTrue();
    }

    @Test
    void shouldStopOnExceptionsThatReferToEachOther() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.addSuppressed(b);
        assertThat(DatabaseException.causedByUnavailableDatabase(a)).isFalse();
    }
}
