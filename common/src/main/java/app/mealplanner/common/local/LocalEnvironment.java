package app.mealplanner.common.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Prepares a local run (used by {@code run.sh}): generates, once, the JWT key pair and the dashboard
 * credentials under the data directory, writes them to {@code local.env}, and (unless {@code --no-database})
 * runs embedded PostgreSQL with its data in {@code <data>/pg} until the process is stopped.
 *
 * <pre>java -cp ... app.mealplanner.common.local.LocalEnvironment [--data .data] [--port 5433] [--no-database]</pre>
 */
public final class LocalEnvironment {

    private LocalEnvironment() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(".data");
        int port = 5433;
        boolean database = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--no-database" -> database = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(data);
        writeEnvFile(data);
        if (!database) {
            return;
        }
        EmbeddedDatabase db = EmbeddedDatabase.startPersistent(port, data.resolve("pg").toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                db.close();
            } catch (IOException e) {
                System.err.println("stopping PostgreSQL: " + e.getMessage());
            }
            stopped.countDown();
        }, "stop-postgres"));
        System.out.println("READY " + db.jdbcUrl());
        System.out.flush();
        stopped.await();
    }

    private static void writeEnvFile(Path data) throws IOException {
        Path jwt = data.resolve("jwt").toAbsolutePath();
        LocalSecrets.ensureRsaKeyPair(jwt);
        Path dashboard = data.resolve("dashboard.password");
        if (!Files.exists(dashboard)) {
            LocalSecrets.writeOwnerOnly(dashboard, LocalSecrets.newPassword());
        }
        String env = "JWT_PUBLIC_KEY_LOCATION=" + jwt.resolve("public.pem") + "\n"
                + "JWT_PRIVATE_KEY_LOCATION=" + jwt.resolve("private.pem") + "\n"
                + "DASHBOARD_USERNAME=admin\n"
                + "DASHBOARD_PASSWORD=" + Files.readString(dashboard).trim() + "\n";
        LocalSecrets.writeOwnerOnly(data.resolve("local.env"), env);
    }
}
