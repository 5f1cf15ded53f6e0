package app.mealplanner.common.testing;

/** Sends POSIX signals to processes on this host, as an operator, a stalled host or the kernel would. */
public final class Signals {

    private Signals() {
    }

    /** SIGSTOP: the process stops where it is, its sockets stay open and nothing it owns is released. */
    public static void stop(long pid) {
        send("-STOP", pid);
    }

    /** SIGCONT: a stopped process runs on. */
    public static void resume(long pid) {
        send("-CONT", pid);
    }

    private static void send(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal + " to " + pid, e);
        }
    }
}
