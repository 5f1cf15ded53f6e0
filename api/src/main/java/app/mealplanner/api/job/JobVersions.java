package app.mealplanner.api.job;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import app.mealplanner.api.events.JobEvent;
import app.mealplanner.common.job.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * What this api process knows about the current version of recently changed jobs, so that a poll whose
 * {@code If-None-Match} still matches, or a poll of a running job, is answered without a pooled
 * connection or a query.
 *
 * <p>The source is the {@code menu_job_events} LISTEN connection the process already keeps for SSE: every
 * insert and every version change of a job reaches it, in commit order, with the whole status. An entry
 * is trusted only while that is true:
 * <ul>
 * <li>entries belong to a <em>generation</em> of the LISTEN connection; when it is lost the generation
 * moves on and every entry is dropped, since changes may be missed until it is back;</li>
 * <li>an entry learned from a query records the generation read <em>before</em> the query, so a
 * connection lost during the query makes it worthless;</li>
 * <li>versions only move forward: a query's answer never replaces a newer notification;</li>
 * <li>an entry is used for at most {@code menu.jobs.version-cache-ttl} (10 s) after it was last
 * confirmed, which bounds the damage of a LISTEN connection that died without an error.</li>
 * </ul>
 * A notification arrives a few milliseconds after its commit; a poll in between sees the previous
 * version, as it would have a moment earlier. The entries are held in a Caffeine cache of at most
 * {@code menu.jobs.version-cache-size} entries, which drops each one when its time is up ({@code confirmedAt}
 * plus the TTL, on the cache's ticker) and, when full, the ones least likely to be asked for again.
 * Metrics: Caffeine's statistics as {@code cache.gets{cache="job-versions",result}}, {@code cache.puts}
 * (every notification or answer recorded), {@code cache.evictions}, {@code cache.size}, and the size
 * also as {@code menu.jobs.version.cache.size}, the name it had before.
 */
@ApplicationScoped
public class JobVersions {

    private static final String CACHE_NAME = "job-versions";

    /**
     * One known version; {@code event} is null when only the version and status were read;
     * {@code confirmedAt} is the cache ticker's time of the last confirmation.
     */
    public record Known(UUID owner, long version, JobState state, JobEvent event, long generation, long confirmedAt) {
    }

    private final Cache<UUID, Known> known;
    private final Ticker ticker;
    private volatile long generation;
    private volatile boolean live;

    @Inject
    public JobVersions(MeterRegistry metrics,
            @ConfigProperty(name = "menu.jobs.version-cache-ttl", defaultValue = "10s") Duration ttl,
            @ConfigProperty(name = "menu.jobs.version-cache-size", defaultValue = "20000") int maxEntries) {
        this(ttl, maxEntries, Ticker.systemTicker());
        CaffeineCacheMetrics.monitor(metrics, known, CACHE_NAME);
        Gauge.builder("menu.jobs.version.cache.size", known, Cache::estimatedSize).register(metrics);
    }

    JobVersions(Duration ttl, int maxEntries, Ticker ticker) {
        this.ticker = ticker;
        this.known = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                // an entry expires ttl after its confirmedAt: an update that keeps the older entry (a query's
                // answer older than a notification) leaves its time as it was; reads never extend it
                .expireAfter(Expiry.<UUID, Known>writing((id, known) -> Duration.ofNanos(
                        known.confirmedAt() + ttl.toNanos() - ticker.read())))
                .ticker(ticker)
                .recordStats()
                .build();
    }

    /** The LISTEN connection is established: notifications from now on are complete. */
    public synchronized void connected() {
        generation++;
        known.invalidateAll();
        live = true;
    }

    /** The LISTEN connection is lost: nothing known can be trusted until it is back. */
    public synchronized void disconnected() {
        live = false;
        generation++;
        known.invalidateAll();
    }

    /** Read before a query whose answer is then passed to {@link #learned}. */
    public long generation() {
        return generation;
    }

    /** A committed version, from the LISTEN connection. */
    public void notified(JobEvent event) {
        if (live) {
            record(event.id(), new Known(event.userId(), event.version(), event.state(), event, generation,
                    ticker.read()));
        }
    }

    /** A version read from the database by a query that started in generation {@code since}. */
    public void learned(UUID id, UUID owner, long version, JobState state, JobEvent event, long since) {
        if (live && since == generation) {
            record(id, new Known(owner, version, state, event, since, ticker.read()));
        }
    }

    /** Forgets a job, e.g. right after this process changed it, so the next read asks the database. */
    public void forget(UUID id) {
        known.invalidate(id);
    }

    /** The trusted current version of the job, or null when the database has to be asked. */
    public Known lookup(UUID id) {
        Known k = known.getIfPresent(id); // null once its time is up
        if (k == null || !live || k.generation() != generation) {
            return null;
        }
        return k;
    }

    private void record(UUID id, Known fresh) {
        known.asMap().merge(id, fresh, JobVersions::newer);
    }

    /** Versions only move forward; an equal version refreshes the entry and keeps the fuller body. */
    private static Known newer(Known old, Known fresh) {
        if (old.generation() != fresh.generation() || fresh.version() > old.version()) {
            return fresh;
        }
        if (fresh.version() < old.version()) {
            return old;
        }
        JobEvent event = fresh.event() != null ? fresh.event() : old.event();
        return new Known(fresh.owner(), fresh.version(), fresh.state(), event, fresh.generation(),
                Math.max(old.confirmedAt(), fresh.confirmedAt()));
    }

    /** Number of entries, after dropping the expired ones and any above the size (tests). */
    int size() {
        known.cleanUp();
        return (int) known.estimatedSize();
    }
}
