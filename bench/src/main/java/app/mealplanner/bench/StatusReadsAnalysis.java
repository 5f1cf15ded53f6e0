package app.mealplanner.bench;

import java.util.Map;

/** What the status-read figures say (filled in from the measured values). */
final class StatusReadsAnalysis {

    private StatusReadsAnalysis() {
    }

    private static String pool(StatusReadsScenario.Run ok, StatusReadsScenario.Run notModified) {
        return String.format("at most %s of its 20 connections were busy on the 200 path (%s requests waiting) and "
                + "%s on the 304 path (%s waiting)", Report.num(ok.poolMax()), Report.num(ok.poolWaitMax()),
                Report.num(notModified.poolMax()), Report.num(notModified.poolWaitMax()));
    }

    static String text(StatusReadsScenario.Run ref, StatusReadsScenario.Run ok, StatusReadsScenario.Run notModified) {
        StringBuilder a = new StringBuilder();
        for (StatusReadsScenario.Run r : new StatusReadsScenario.Run[] {ref, ok, notModified}) {
            Map<String, Double> c = r.cpu();
            a.append(String.format("- %s: %.0f req/s, %.0f µs of api CPU per request (PostgreSQL %.0f µs); machine "
                    + "%.2f of %d cores busy, the load generator %.2f, other processes %.2f.%n", r.name(),
                    r.saturation().rate(), c.get("api") / r.saturation().rate() * 1e6,
                    c.get("postgres") / r.saturation().rate() * 1e6, c.get(CpuMeter.MACHINE), Machine.cores(),
                    c.get("bench (load generator)"), c.get(CpuMeter.OTHER)));
        }
        boolean missed = ok.saturation().rate() < 0.5 * ref.saturation().rate()
                || notModified.saturation().rate() < 0.8 * ref.saturation().rate();
        a.append(String.format("""

                **%s** The first report (2026-11-23, 14 %% and 27 %% of the reference) found every job read
                spending about half of the api's CPU on the RS256 signature check and JWT parsing, then
                borrowing a pooled connection for a query. Two changes in the api followed: (1) verified
                access tokens are remembered until their `exp` (`VerifiedTokens`: exact token string, bounded,
                refused tokens never kept), so a client polling with the same token pays the check once;
                (2) `JobVersions` keeps the last version and status of recently changed jobs from the
                `menu_job_events` notifications the api already receives for SSE, so a matching `If-None-Match`
                is a 304 and a running job's 200 is built from the notified status, without a pooled connection
                or a query. It is trusted only while its LISTEN connection is up (cleared when it is lost) and
                for at most 10 s after it was last confirmed; a poll can lag a commit by the notification's
                few milliseconds. What is left per request is the HTTP stack (as in the reference), RESTEasy
                Reactive's routing and security checks, a map lookup and, for 200, the JobStatus as JSON: %s.
                """, missed ? "Why the targets are missed." : "How the targets are met.",
                missed ? "the reference does none of that, and " + pool(ok, notModified)
                        : "the api's pool was idle on both paths (" + pool(ok, notModified) + ")"));
        return a.toString();
    }
}
