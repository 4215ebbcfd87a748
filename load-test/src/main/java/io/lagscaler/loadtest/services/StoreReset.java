package io.lagscaler.loadtest.services;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;

/**
 * Empties a benchmark's store between two runs over the same orders, so the second run is not
 * served by the first one's dedupe (a replayed order is cheaper than a new one in both stores).
 */
final class StoreReset {

  private StoreReset() {}

  /** Empties the Redis ({@code redis://}) or Neo4j ({@code bolt://}) at {@code uri}. */
  static void empty(String uri) {
    if (uri.startsWith("redis")) {
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        connection.sync().flushall();
      } finally {
        client.shutdown();
      }
      return;
    }
    try (Driver driver =
            GraphDatabase.driver(
                uri, AuthTokens.none(), Config.builder().withLogging(Logging.none()).build());
        Session session = driver.session()) {
      // In chunks: one transaction over hundreds of thousands of nodes would need a large heap.
      // The constraints stay, as the service would find them.
      session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume();
    }
  }
}
