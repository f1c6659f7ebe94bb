import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs Neo4j Community as a local server with Bolt, for development and tests.
 *
 * Usage: java -cp "lib/*:classes" Launcher HOME_DIR CONFIG_FILE
 * The config file (written by `matchmaker neo4j start`) sets the Bolt address and memory.
 * Writes HOME_DIR/ready with the pid once the server is up; shuts down cleanly on SIGTERM.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Path config = Path.of(args[1]).toAbsolutePath();
        Path ready = home.resolve("ready");
        Files.deleteIfExists(ready);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(config)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                try { Files.deleteIfExists(ready); } catch (Exception ignored) { }
                stopped.countDown();
            }
        }));
        Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
        System.out.println("neo4j ready");
        stopped.await();
    }
}
