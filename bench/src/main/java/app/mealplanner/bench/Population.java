package app.mealplanner.bench;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Benchmark users with their access tokens, handed out one at a time (one job per user). */
final class Population {

    final List<UUID> ids;
    final List<String> tokens;
    private final AtomicInteger next = new AtomicInteger();

    Population(List<UUID> ids, List<String> tokens) {
        this.ids = new java.util.ArrayList<>(ids);
        this.tokens = new java.util.ArrayList<>(tokens);
    }

    int size() {
        return ids.size();
    }

    /** The next unused user's index, or -1 when all were used. */
    int take() {
        int i = next.getAndIncrement();
        return i < ids.size() ? i : -1;
    }

    int used() {
        return Math.min(next.get(), ids.size());
    }

    /** Adds users (between measurements only: the lists are not safe for concurrent growth). */
    void add(List<UUID> moreIds, List<String> moreTokens) {
        ids.addAll(moreIds);
        tokens.addAll(moreTokens);
    }

    int remaining() {
        return Math.max(0, ids.size() - next.get());
    }

    /** Cycles through the users (for scenarios where a user may have several jobs over time). */
    int cycle() {
        return Math.floorMod(next.getAndIncrement(), ids.size());
    }
}
