package app.mealplanner.api.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.api.job.JobVersions;
import app.mealplanner.common.db.PgListener;
import app.mealplanner.common.job.MenuJob;
import app.mealplanner.common.job.MenuJobDays;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.Menu;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * Fans job changes out to this process's SSE subscribers. One LISTEN connection per api process on
 * {@code menu_job_events}; each notification carries the committed status, so an event costs no query; it
 * is encoded once and the same frame goes to every subscriber of the job. Every notification also keeps
 * {@link JobVersions} current, which answers most polls without a query. When the LISTEN
 * connection is lost it reconnects with backoff and re-reads the current state of every watched job, so
 * no subscriber misses a final state. Heartbeat comments keep idle streams open through proxies.
 */
@ApplicationScoped
public class JobEventHub {

    public static final String CHANNEL = "menu_job_events";
    private static final Logger LOG = Logger.getLogger(JobEventHub.class);

    private final Map<UUID, Set<Subscription>> subscribers = new ConcurrentHashMap<>();
    private final MenuJobs jobs;
    private final MenuJobDays days;
    private final JobVersions versions;
    private final ObjectMapper json;
    private final String url;
    private final String user;
    private final Optional<String> password;
    private final Duration heartbeat;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sse-heartbeat").factory());
    private PgListener listener;
    private volatile Sse sse;

    public JobEventHub(MenuJobs jobs, MenuJobDays days, JobVersions versions, ObjectMapper json, MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password,
            @ConfigProperty(name = "menu.events.heartbeat", defaultValue = "15s") Duration heartbeat) {
        this.jobs = jobs;
        this.days = days;
        this.versions = versions;
        this.json = json;
        this.url = url;
        this.user = user;
        this.password = password;
        this.heartbeat = heartbeat;
        metrics.gauge("menu.sse.subscribers", subscribers, m -> m.values().stream().mapToInt(Set::size).sum());
    }

    void start(@Observes StartupEvent event) {
        listener = new PgListener(CHANNEL, url, user, password.orElse(null), this::onNotification, this::resync,
                versions::disconnected).start();
        timer.scheduleAtFixedRate(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * At the very start of shutdown, before the HTTP server waits for open requests (an open stream is
     * one, and would hold the shutdown up for its whole timeout): every stream is ended with a reconnect
     * hint, so clients come back after 2 s, to another pod. Needs {@code quarkus.shutdown.delay-enabled}.
     */
    void shuttingDown(@Observes ShutdownDelayInitiatedEvent event) {
        closeAllStreams();
    }

    /** Stops listening; any stream still open (none, normally) is ended the same way. */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        timer.shutdownNow();
        if (listener != null) {
            listener.close();
        }
        closeAllStreams();
    }

    private void closeAllStreams() {
        subscribers.values().forEach(set -> set.forEach(s -> s.closeWithRetryHint(2000)));
    }

    /**
     * Opens a stream for a job the caller owns: registers first, then sends the current state, so that a
     * change committed in between is never lost (the version check drops the duplicate). The stream is
     * added inside the map's atomic {@code compute}, the same lock {@link #unsubscribe} removes an empty
     * set under: added outside it, a stream arriving as the job's last other stream left could land in a
     * set already removed from the map and never hear of the job again.
     */
    Subscription subscribe(MenuJob current, long lastEventId, SseEventSink sink, Sse sse) {
        this.sse = sse;
        UUID id = current.id();
        Subscription[] self = new Subscription[1];
        self[0] = new Subscription(id, lastEventId, sink, sse, currentEventLoop(), () -> unsubscribe(id, self[0]));
        subscribers.compute(id, (k, set) -> {
            Set<Subscription> watching = set == null ? ConcurrentHashMap.newKeySet() : set;
            watching.add(self[0]);
            return watching;
        });
        MenuJob latest = jobs.find(id).orElse(current);
        JobEvent now = JobEvent.of(latest.version() >= current.version() ? latest : current);
        self[0].offer(now, encode(sse, now), dayFrames(sse, now, Set.of(self[0])));
        return self[0];
    }

    /** Current number of open streams in this process. */
    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** The pid of the LISTEN connection (tests terminate it). */
    public int listenerBackendPid() {
        return listener == null ? -1 : listener.backendPid();
    }

    private void unsubscribe(UUID id, Subscription subscription) {
        subscribers.computeIfPresent(id, (k, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    private void onNotification(String payload) {
        JobEvent event;
        try {
            event = json.readValue(payload, JobEvent.class);
        } catch (Exception e) {
            LOG.warnf("unreadable %s notification (%d chars)", CHANNEL, payload.length());
            return;
        }
        versions.notified(event);
        deliver(event);
    }

    /**
     * Encodes the event once (JSON and SSE frame) and hands each event loop the subscribers whose
     * connections it owns in one task: the loops write in parallel, each write on its own thread, instead
     * of this thread queueing one cross-thread write per subscriber (SSE bench: that serial part grew
     * to ~120 ms at 10,000 subscribers).
     */
    private void deliver(JobEvent event) {
        Set<Subscription> set = subscribers.get(event.id());
        Sse current = sse;
        if (set == null || current == null) {
            return;
        }
        OutboundSseEvent out = encode(current, event);
        DayFrames dayFrames = dayFrames(current, event, set);
        Map<Executor, List<Subscription>> byLoop = new HashMap<>();
        for (Subscription s : set) {
            if (s.eventLoop() == null) {
                s.offer(event, out, dayFrames);
            } else {
                byLoop.computeIfAbsent(s.eventLoop(), loop -> new ArrayList<>()).add(s);
            }
        }
        byLoop.forEach((loop, batch) -> {
            try {
                loop.execute(() -> batch.forEach(s -> s.offer(event, out, dayFrames)));
            } catch (RejectedExecutionException shuttingDown) {
                batch.forEach(s -> s.offer(event, out, dayFrames));
            }
        });
    }

    /**
     * The days the event's attempt has stored, read and encoded once, when a subscriber does not have all
     * of them yet; null otherwise. A notification carries only how many days are ready (a day with its
     * recipes can exceed pg_notify's 8000 bytes), so the days themselves are read here.
     */
    private DayFrames dayFrames(Sse with, JobEvent event, Set<Subscription> subscribers) {
        if (event.daysReady() == 0 || subscribers.stream().allMatch(s -> s.daysSent(event.attempt()) >= event.daysReady())) {
            return null;
        }
        List<DayFrames.Frame> frames = new ArrayList<>();
        for (Menu.Day day : days.ofAttempt(event.id(), event.attempt())) {
            try {
                // no media type, as for the status events: no SSE client knows a "content-type" field
                frames.add(new DayFrames.Frame(day.day(), with.newEventBuilder().name("day")
                        .data(json.writeValueAsString(day)).build()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a day is always serialisable", e);
            }
        }
        return new DayFrames(event.attempt(), frames);
    }

    /** The event loop of the current request's connection (Vert.x context), if there is one. */
    private static Executor currentEventLoop() {
        Context context = Vertx.currentContext();
        return context instanceof ContextInternal internal ? internal.nettyEventLoop() : null;
    }

    private OutboundSseEvent encode(Sse with, JobEvent event) {
        try {
            // no media type on the event: it would add a "content-type" field, which no SSE client knows
            return with.newEventBuilder().name("status").id(String.valueOf(event.version()))
                    .data(json.writeValueAsString(event.toStatus())).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a job status is always serialisable", e);
        }
    }

    /** After (re)connecting: anything may have changed while we were not listening. */
    private void resync() {
        versions.connected();
        Set<UUID> watched = Set.copyOf(subscribers.keySet());
        if (watched.isEmpty()) {
            return;
        }
        for (MenuJob job : jobs.findAll(watched)) {
            deliver(JobEvent.of(job));
        }
        LOG.infof("re-sent current state of %d watched jobs after (re)connecting", watched.size());
    }

    private void heartbeat() {
        try {
            subscribers.values().forEach(set -> set.forEach(Subscription::heartbeat));
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed", e);
        }
    }
}
