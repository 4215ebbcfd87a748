package io.lagscaler.loadtest.services;

import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.testkit.Expected;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Checks the effect of every sent order in Redis and Neo4j. An order is lost when a store has no
 * trace of it; it is duplicated when a store counts it more than once. Aggregates that disagree
 * with the sent orders for any other reason are reported as mismatches.
 */
public final class Verifier {

  /** What the stores hold compared with what was sent. */
  public record Result(
      long lostRedis,
      long duplicatedRedis,
      long lostNeo4j,
      long duplicatedNeo4j,
      long mismatchedStoreDays,
      List<String> examples) {

    public long lost() {
      return lostRedis + lostNeo4j;
    }

    public long duplicated() {
      return duplicatedRedis + duplicatedNeo4j;
    }
  }

  private Verifier() {}

  public static Result verify(Collection<Order> sent, String redisUri, String boltUri) {
    List<String> examples = new ArrayList<>();
    long[] redis = verifyRedis(sent, redisUri, examples);
    long[] graph = verifyNeo4j(sent, boltUri, examples);
    return new Result(redis[0], redis[1], graph[0], graph[1], redis[2], examples);
  }

  private static long[] verifyRedis(Collection<Order> sent, String uri, List<String> examples) {
    long lost = 0;
    long duplicated = 0;
    long mismatched = 0;
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      Map<Expected.Key, List<Order>> byKey = new HashMap<>();
      for (Order order : sent) {
        byKey
            .computeIfAbsent(new Expected.Key(order.storeId(), order.day()), k -> new ArrayList<>())
            .add(order);
      }
      Map<Expected.Key, Expected.Totals> expected = Expected.totals(sent);
      for (Map.Entry<Expected.Key, List<Order>> entry : byKey.entrySet()) {
        String tag = "{" + entry.getKey().storeId() + "}:" + entry.getKey().day();
        Set<String> seen = redis.smembers("seen:" + tag);
        long missing = entry.getValue().stream().filter(o -> !seen.contains(o.orderId())).count();
        lost += missing;
        if (missing > 0 && examples.size() < 10) {
          examples.add("redis " + tag + ": " + missing + " orders never counted");
        }
        Map<String, String> totals = redis.hgetall("totals:" + tag);
        long counted = Long.parseLong(totals.getOrDefault("orders", "0"));
        long extra = counted - (entry.getValue().size() - missing);
        if (extra > 0) {
          duplicated += extra;
          if (examples.size() < 10) {
            examples.add("redis " + tag + ": " + extra + " orders counted twice");
          }
        }
        Expected.Totals want = expected.get(entry.getKey());
        Map<String, Long> skus = new HashMap<>();
        for (ScoredValue<String> s : redis.zrangeWithScores("skus:" + tag, 0, -1)) {
          skus.put(s.getValue(), (long) s.getScore());
        }
        boolean same =
            counted == want.orders()
                && Long.parseLong(totals.getOrDefault("revenueCents", "0")) == want.revenueCents()
                && Long.parseLong(totals.getOrDefault("units", "0")) == want.units()
                && skus.equals(want.skuUnits());
        if (!same) {
          mismatched++;
          if (examples.size() < 10) {
            examples.add("redis " + tag + ": totals differ from the sent orders: " + totals);
          }
        }
      }
    } finally {
      client.shutdown();
    }
    return new long[] {lost, duplicated, mismatched};
  }

  private static long[] verifyNeo4j(Collection<Order> sent, String boltUri, List<String> examples) {
    long lost = 0;
    long duplicated = 0;
    try (Driver driver =
            GraphDatabase.driver(
                boltUri,
                AuthTokens.none(),
                org.neo4j.driver.Config.builder()
                    .withLogging(org.neo4j.driver.Logging.none())
                    .build());
        Session session = driver.session()) {
      List<Order> all = new ArrayList<>(sent);
      for (int from = 0; from < all.size(); from += 10_000) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Order o : all.subList(from, Math.min(all.size(), from + 10_000))) {
          rows.add(
              Map.of(
                  "orderId", o.orderId(),
                  "customerId", o.customerId(),
                  "storeId", o.storeId(),
                  "lines", o.items().size()));
        }
        // Per order: is it there, placed by its customer at its store, with exactly its lines,
        // each CONTAINS edge once?
        var record =
            session
                .run(
                    """
                    UNWIND $rows AS row
                    OPTIONAL MATCH (o:Order {orderId: row.orderId})
                    OPTIONAL MATCH (:Customer {customerId: row.customerId})-[p:PLACED]->(o)
                    WITH row, o, count(p) AS placed
                    OPTIONAL MATCH (o)-[r:CONTAINS]->(prod:Product)
                    WITH row, o, placed, count(r) AS edges, count(DISTINCT prod) AS products
                    RETURN sum(CASE WHEN o IS NULL THEN 1 ELSE 0 END) AS missing,
                           sum(CASE WHEN o IS NOT NULL AND (placed > 1 OR edges > products)
                                    THEN 1 ELSE 0 END) AS doubled,
                           sum(CASE WHEN o IS NOT NULL AND (placed = 0 OR products <> row.lines)
                                    THEN 1 ELSE 0 END) AS incomplete
                    """,
                    Map.of("rows", rows))
                .single();
        long missing = record.get("missing").asLong();
        long doubled = record.get("doubled").asLong();
        long incomplete = record.get("incomplete").asLong();
        lost += missing + incomplete;
        duplicated += doubled;
        if ((missing + incomplete + doubled) > 0 && examples.size() < 10) {
          examples.add(
              "neo4j: missing=" + missing + " incomplete=" + incomplete + " doubled=" + doubled);
        }
      }
      long orderNodes =
          session.run("MATCH (o:Order) RETURN count(o) AS n").single().get("n").asLong();
      long distinctSent = all.stream().map(Order::orderId).distinct().count();
      if (orderNodes > distinctSent) {
        duplicated += orderNodes - distinctSent;
        examples.add("neo4j: " + orderNodes + " Order nodes for " + distinctSent + " orders sent");
      }
    }
    return new long[] {lost, duplicated};
  }
}
