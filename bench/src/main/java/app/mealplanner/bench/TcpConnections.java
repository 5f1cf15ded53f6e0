package app.mealplanner.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Counts established TCP connections on this machine whose remote end is a given local port. */
final class TcpConnections {

    private TcpConnections() {
    }

    /** Client-side sockets connected to {@code port} (e.g. a worker's open connections to the fake model). */
    static int toPort(int port) {
        int count = 0;
        String hexPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ...; st 01 = ESTABLISHED
                    if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("01")) {
                        count++;
                    }
                }
            } catch (Exception e) {
                // not Linux, or no IPv6
            }
        }
        return count;
    }
}
