package io.lagscaler.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Entry point of the child JVM that {@link Neo4jProcess} starts: a Neo4j DBMS with its store in the
 * given home directory, Bolt on the given port, no authentication, until the process is told to
 * stop (SIGTERM runs the shutdown hook, which shuts the database down cleanly). Unlike the test
 * harness, which keeps its store in a fresh directory per start, a second start on the same home
 * finds the data of the first: a real restart.
 */
public final class Neo4jServerMain {

  private Neo4jServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    Path home = Path.of(args[1]);
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
            // Without these, shutdown waits ~10 s for Netty's quiet period.
            .setConfig(
                GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, Duration.ZERO)
            .setConfig(
                GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dbms.shutdown();
                  stopped.countDown();
                },
                "neo4j-stop"));
    System.out.println("neo4j ready bolt://127.0.0.1:" + port);
    stopped.await();
  }
}
