package app.mealplanner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A markdown report: targets with verdicts, figures, reference, method, analysis, machine, command. */
final class Report {

    record Target(String what, String measured, String reference, boolean met) {
    }

    private final String title;
    private final String intro;
    private final List<Target> targets = new ArrayList<>();
    private final StringBuilder figures = new StringBuilder();
    private final StringBuilder reference = new StringBuilder();
    private final StringBuilder method = new StringBuilder();
    private final StringBuilder analysis = new StringBuilder();
    private final StringBuilder setup = new StringBuilder();

    Report(String title, String intro) {
        this.title = title;
        this.intro = intro;
    }

    Report target(String what, String measured, String reference, boolean met) {
        targets.add(new Target(what, measured, reference, met));
        return this;
    }

    boolean allMet() {
        return targets.stream().allMatch(Target::met);
    }

    Report figures(String markdown) {
        figures.append(markdown).append('\n');
        return this;
    }

    Report reference(String markdown) {
        reference.append(markdown).append('\n');
        return this;
    }

    Report method(String markdown) {
        method.append(markdown).append('\n');
        return this;
    }

    Report analysis(String markdown) {
        analysis.append(markdown).append('\n');
        return this;
    }

    Report setup(String markdown) {
        setup.append(markdown).append('\n');
        return this;
    }

    /** The database line every report carries (zonky starts PostgreSQL with synchronous_commit=off). */
    Report database(Stack stack) {
        setup.append("\nDatabase: ").append(stack.describeDatabase()).append(".\n");
        return this;
    }

    String markdown(Path repo, String command, double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n").append(intro).append("\n\n");
        long missed = targets.stream().filter(t -> !t.met()).count();
        md.append("**Verdict: ").append(targets.isEmpty() ? "no target" : missed == 0 ? "every target met"
                : missed + " of " + targets.size() + " target(s) missed").append(".**\n\n");
        if (CpuMeter.maxOther > 0.2) {
            md.append(String.format("> **Disturbed run:** processes outside this benchmark (other builds or tests on "
                    + "the machine) used up to %.2f of the %d cores during a measurement (see \"other processes\" in "
                    + "the CPU figures). Absolute numbers are lower and tails longer than on a quiet machine; compare "
                    + "with a quiet run before acting on a small miss.%n%n", CpuMeter.maxOther, Machine.cores()));
        }
        if (!targets.isEmpty()) {
            md.append("| target | measured | reference (same run) | met |\n|---|---|---|---|\n");
            for (Target t : targets) {
                md.append("| ").append(t.what()).append(" | ").append(t.measured()).append(" | ")
                        .append(t.reference()).append(" | ").append(t.met() ? "yes" : "**no**").append(" |\n");
            }
            md.append('\n');
        }
        section(md, "Figures", figures);
        section(md, "Reference", reference);
        section(md, "Analysis", analysis);
        section(md, "Method", method);
        section(md, "What was started", setup);
        md.append("## Machine\n\n").append(Machine.markdown(repo)).append('\n');
        md.append("## Command\n\n```\n").append(command).append("\n```\n\n");
        md.append(String.format("This scenario took %.0f s of wall time, start-up and tear-down included.%n", seconds));
        return md.toString();
    }

    private static void section(StringBuilder md, String name, StringBuilder body) {
        if (!body.isEmpty()) {
            md.append("## ").append(name).append("\n\n").append(body.toString().strip()).append("\n\n");
        }
    }

    void write(Path file, Path repo, String command, double seconds) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown(repo, command, seconds));
    }

    // -------------------------------------------------------------------------------------------
    // formatting helpers shared by the scenarios

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "–";
        }
        return millis >= 100 ? String.format("%.0f ms", millis) : millis >= 10 ? String.format("%.1f ms", millis)
                : String.format("%.2f ms", millis);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 100 ? String.format("%,.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    static String pct(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format("%.0f %%", ratio * 100);
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "–" : String.format("%,.0f MiB", bytes / 1024 / 1024);
    }

    static String kib(double bytes) {
        return Double.isNaN(bytes) ? "–" : String.format("%,.1f KiB", bytes / 1024);
    }
}
