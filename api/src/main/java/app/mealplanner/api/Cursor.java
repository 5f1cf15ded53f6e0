package app.mealplanner.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import app.mealplanner.api.error.ApiException;

/**
 * An opaque keyset position for listings sorted newest first: the (created_at, id) of the last item
 * of a page. New rows sort before it, so paging stays stable while they arrive.
 */
public record Cursor(Instant createdAt, UUID id) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    // Every row was created between these; outside them a time may not even exist in PostgreSQL (before 4713 BC).
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    public String encode() {
        long micros = createdAt.getEpochSecond() * 1_000_000L + createdAt.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Null for no cursor (the first page); a 400 problem for anything that is not one of ours. */
    public static Cursor decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":", 2);
            long micros = Long.parseLong(parts[0]);
            Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
                throw new IllegalArgumentException("no row of ours has this time");
            }
            return new Cursor(at, UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw badRequest("cursor", "not a cursor returned by this api");
        }
    }

    /** The page size from the {@code limit} query parameter: 1–100, 20 when absent. */
    public static int limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badRequest("limit", "must be a whole number between 1 and " + MAX_LIMIT);
    }

    public static ApiException badRequest(String field, String message) {
        return ApiException.invalid(field, message);
    }
}
