package app.mealplanner.api.job;

import app.mealplanner.common.job.JobStatus;

/**
 * The entity tag of a job's status and the {@code If-None-Match} test of RFC 9110 §13.1.2. The tag changes
 * whenever the body does: every change of the row bumps its version, and a queued job's body also carries
 * its place in the queue and the wait estimate, which move without a new version, so they are part of its
 * tag ({@code "7"} for a running job, {@code "3.q12.60"} for one queued twelfth, about 60 s away).
 *
 * <p>Hand-written because JAX-RS' {@code Request.evaluatePreconditions} compares tags strongly
 * ({@code W/"7"} would not match {@code "7"}), which RFC 9110 forbids for If-None-Match, and splits lists on
 * every comma, which an entity tag may contain.
 */
final class JobTags {

    private JobTags() {
    }

    /** The opaque tag (without quotes) of a job at this version that is not queued. */
    static String of(long version) {
        return String.valueOf(version);
    }

    /** The opaque tag (without quotes) of this body of a job at this version. */
    static String of(long version, JobStatus status) {
        if (status.queuePosition() == null) {
            return of(version);
        }
        return version + ".q" + status.queuePosition() + "." + (status.etaSeconds() == null ? "x" : status.etaSeconds());
    }

    /**
     * Whether {@code If-None-Match} matches the current tag: {@code *}, or a list of entity tags one of which
     * equals it by weak comparison (the opaque tags are equal, {@code W/} or not). A malformed header matches
     * nothing, so the client gets the full answer.
     */
    static boolean matches(String ifNoneMatch, String current) {
        if (ifNoneMatch == null) {
            return false;
        }
        String header = ifNoneMatch.trim();
        if (header.equals("*")) {
            return true;
        }
        int i = 0;
        while (i < header.length()) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= header.length() || header.charAt(i) != '"') {
                return false;
            }
            int end = header.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            if (header.substring(i + 1, end).equals(current)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }
}
