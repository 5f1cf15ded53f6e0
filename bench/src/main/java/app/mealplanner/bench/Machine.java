package app.mealplanner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Facts about the machine a report was measured on. */
final class Machine {

    private Machine() {
    }

    static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String memory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "unknown";
    }

    static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")";
    }

    static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /** The commit checked out, read from .git without running git; "unknown" outside a clone. */
    static String commit(Path repo) {
        try {
            Path git = repo.resolve(".git");
            if (Files.isRegularFile(git)) { // a worktree: "gitdir: <path>"
                git = repo.resolve(Files.readString(git).trim().substring("gitdir:".length()).trim());
            }
            String head = Files.readString(git.resolve("HEAD")).trim();
            if (!head.startsWith("ref: ")) {
                return head.substring(0, Math.min(12, head.length()));
            }
            String ref = head.substring(5);
            Path loose = git.resolve(ref);
            if (Files.exists(loose)) {
                return Files.readString(loose).trim().substring(0, 12) + " (" + ref.replace("refs/heads/", "") + ")";
            }
            Path packed = git.resolve("packed-refs");
            if (Files.exists(packed)) {
                List<String> lines = Files.readAllLines(packed);
                for (String l : lines) {
                    if (l.endsWith(" " + ref)) {
                        return l.substring(0, 12) + " (" + ref.replace("refs/heads/", "") + ")";
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    static String markdown(Path repo) {
        return "| what | value |\n|---|---|\n"
                + "| date (UTC) | " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " |\n"
                + "| cpu | " + cpu() + " |\n"
                + "| cores | " + cores() + " |\n"
                + "| memory | " + memory() + " |\n"
                + "| kernel | " + kernel() + " |\n"
                + "| java | " + java() + " |\n"
                + "| commit | " + commit(repo) + " (HEAD when the run started; uncommitted changes in the work tree are not shown) |\n";
    }
}
