package io.lagscaler.services.graph;

import io.lagscaler.services.common.consumer.OrderStore;
import io.lagscaler.services.common.consumer.StoreUnavailableException;
import io.lagscaler.services.common.order.Order;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * The purchase graph in Neo4j: (Customer)-[:PLACED]->(Order)-[:CONTAINS {quantity}]->(Product),
 * (Order)-[:AT]->(Store). One UNWIND ... MERGE transaction per batch. Every node is merged on a key
 * with a uniqueness constraint and every relationship is merged, so replaying an order changes
 * nothing.
 */
public final class Neo4jGraphStore implements OrderStore {

  static final List<String> SCHEMA =
      List.of(
          "CREATE CONSTRAINT order_id IF NOT EXISTS FOR (o:Order) REQUIRE o.orderId IS UNIQUE",
          "CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.customerId IS"
              + " UNIQUE",
          "CREATE CONSTRAINT product_sku IF NOT EXISTS FOR (p:Product) REQUIRE p.sku IS UNIQUE",
          "CREATE CONSTRAINT store_id IF NOT EXISTS FOR (s:Store) REQUIRE s.storeId IS UNIQUE");

  static final String WRITE =
      """
      UNWIND $orders AS o
      MERGE (c:Customer {customerId: o.customerId})
      MERGE (s:Store {storeId: o.storeId})
      MERGE (ord:Order {orderId: o.orderId})
        ON CREATE SET ord.createdAt = datetime(o.createdAt), ord.totalCents = o.totalCents
      MERGE (c)-[:PLACED]->(ord)
      MERGE (ord)-[:AT]->(s)
      WITH ord, o
      UNWIND o.items AS it
      MERGE (p:Product {sku: it.sku})
      MERGE (ord)-[r:CONTAINS]->(p)
        ON CREATE SET r.quantity = it.quantity, r.unitPriceCents = it.unitPriceCents
      """;

  static final String RECOMMEND =
      """
      MATCH (me:Customer {customerId: $customerId})-[:PLACED]->(:Order)-[:CONTAINS]->(p:Product)
      WITH me, collect(DISTINCT p) AS mine
      UNWIND mine AS bought
      MATCH (bought)<-[:CONTAINS]-(:Order)<-[:PLACED]-(other:Customer)
      WHERE other <> me
      WITH DISTINCT me, mine, other
      MATCH (other)-[:PLACED]->(:Order)-[:CONTAINS]->(rec:Product)
      WHERE NOT rec IN mine
      RETURN rec.sku AS sku, count(DISTINCT other) AS customers
      ORDER BY customers DESC, sku ASC
      LIMIT $limit
      """;

  private final Driver driver;
  private final Neo4jSettings settings;
  private volatile boolean schemaReady;

  public Neo4jGraphStore(Neo4jSettings settings) {
    this.settings = settings;
    AuthToken auth =
        settings.user().isPresent()
            ? AuthTokens.basic(settings.user().get(), settings.password().orElseThrow())
            : AuthTokens.none();
    this.driver =
        GraphDatabase.driver(
            settings.uri(),
            auth,
            Config.builder()
                .withConnectionTimeout(2, TimeUnit.SECONDS)
                .withConnectionAcquisitionTimeout(
                    settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                // Retries transient errors (deadlocks between replicas merging the same
                // product) inside one call; longer outages go back to the consumer's backoff.
                .withMaxTransactionRetryTime(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .withLogging(org.neo4j.driver.Logging.none())
                .build());
  }

  @Override
  public String name() {
    return "neo4j";
  }

  @Override
  public void write(List<Order> orders) throws StoreUnavailableException {
    List<Map<String, Object>> rows = new ArrayList<>(orders.size());
    // Same lock order in every replica's transaction makes deadlocks between them rarer.
    List<Order> sorted = new ArrayList<>(orders);
    sorted.sort(Comparator.comparing(Order::customerId));
    for (Order order : sorted) {
      Map<String, Object> row = new HashMap<>();
      row.put("orderId", order.orderId());
      row.put("storeId", order.storeId());
      row.put("customerId", order.customerId());
      row.put("createdAt", order.createdAt().toString());
      row.put("totalCents", order.totalCents());
      row.put(
          "items",
          order.items().stream()
              .map(
                  i ->
                      Map.<String, Object>of(
                          "sku", i.sku(),
                          "quantity", i.quantity(),
                          "unitPriceCents", i.unitPriceCents()))
              .toList());
      rows.add(row);
    }
    try {
      ensureSchema();
      try (Session session = driver.session()) {
        session.executeWriteWithoutResult(
            tx -> tx.run(WRITE, Map.of("orders", rows)).consume(),
            TransactionConfig.builder().withTimeout(settings.timeout()).build());
      }
    } catch (Neo4jException | IllegalStateException e) {
      throw new StoreUnavailableException("Neo4j write failed: " + e.getMessage(), e);
    }
  }

  private void ensureSchema() {
    if (schemaReady) {
      return;
    }
    try (Session session = driver.session()) {
      for (String statement : SCHEMA) {
        session.run(statement).consume();
      }
    }
    schemaReady = true;
  }

  public List<Recommendation> recommendations(String customerId, int limit) {
    try (Session session = driver.session()) {
      return session.executeRead(
          tx ->
              tx.run(RECOMMEND, Map.of("customerId", customerId, "limit", limit)).list().stream()
                  .map(
                      r -> new Recommendation(r.get("sku").asString(), r.get("customers").asLong()))
                  .toList());
    }
  }

  @Override
  public String problem() {
    try {
      driver.verifyConnectivity();
      return null;
    } catch (RuntimeException e) {
      return "Neo4j unreachable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    driver.close();
  }
}
