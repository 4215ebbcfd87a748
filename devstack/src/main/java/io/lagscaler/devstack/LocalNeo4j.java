package io.lagscaler.devstack;

import java.net.URI;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j running in this JVM (the test harness), Bolt only, no authentication. Ready in about
 * 5 s; share one per module (see {@link Neo4jExtension}). Needs the optional {@code
 * org.neo4j.test:neo4j-harness} dependency, which belongs in test scope or local tooling only.
 */
public final class LocalNeo4j implements AutoCloseable {

  private final Neo4j neo4j;

  private LocalNeo4j(Neo4j neo4j) {
    this.neo4j = neo4j;
  }

  /** Starts Neo4j with Bolt on a free loopback port. */
  public static LocalNeo4j start() {
    return start(0);
  }

  /** Starts Neo4j with Bolt on {@code port} (0 for a free one). */
  public static LocalNeo4j start(int port) {
    Neo4j neo4j =
        Neo4jBuilders.newInProcessBuilder()
            .withDisabledServer()
            .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            // Without these, close() waits ~10 s for Netty's quiet period.
            .withConfig(
                GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, Duration.ZERO)
            .withConfig(
                GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(1))
            .build();
    return new LocalNeo4j(neo4j);
  }

  /** The {@code bolt://} URI; authentication is disabled. */
  public URI boltUri() {
    return neo4j.boltURI();
  }

  @Override
  public void close() {
    neo4j.close();
  }
}
