package io.lagscaler.services.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.LocalNeo4j;
import io.lagscaler.devstack.TcpProxy;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.devstack.WithNeo4j;
import io.lagscaler.services.common.ConsumerService;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.testkit.Eventually;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;

@WithKafka
@WithNeo4j
class PurchaseGraphTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final AtomicInteger RUN = new AtomicInteger();

  private static KafkaCluster cluster;
  private static LocalNeo4j neo4j;
  private static KafkaTestClient kafka;
  private static Driver driver;

  @BeforeAll
  static void connect(KafkaCluster kafkaCluster, LocalNeo4j localNeo4j) {
    cluster = kafkaCluster;
    neo4j = localNeo4j;
    kafka = new KafkaTestClient(cluster.bootstrapServers());
    driver = GraphDatabase.driver(neo4j.boltUri(), AuthTokens.none());
  }

  @AfterAll
  static void close() {
    kafka.close();
    driver.close();
  }

  private record Lane(String topic, String group) {
    static Lane fresh(String name) {
      int n = RUN.incrementAndGet();
      return new Lane(name + "-" + n, name + "-group-" + n);
    }
  }

  private static ConsumerService start(Lane lane, String boltUri) {
    Map<String, String> vars = new HashMap<>();
    vars.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
    vars.put("ORDERS_TOPIC", lane.topic());
    vars.put("DLQ_TOPIC", lane.topic() + ".dlq");
    vars.put("ORDERS_PARTITIONS", "4");
    vars.put("CONSUMER_GROUP", lane.group());
    vars.put("HTTP_PORT", "0");
    vars.put("NEO4J_URI", boltUri);
    vars.put("NEO4J_TIMEOUT", "5s");
    vars.put("STORE_BACKOFF_INITIAL", "50ms");
    vars.put("STORE_BACKOFF_MAX", "500ms");
    vars.put("MAX_POLL_RECORDS", "100");
    Env env = Env.of(vars);
    ServiceConfig config = ServiceConfig.read(env, "purchase-graph");
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "purchase-graph");
    Neo4jSettings settings = Neo4jSettings.read(env);
    env.validate();
    return PurchaseGraphMain.start(config, consumer, settings);
  }

  private static void awaitCaughtUp(Lane lane) {
    Eventually.await(
        "group " + lane.group() + " to commit every record",
        DEADLINE,
        () -> kafka.caughtUp(lane.group(), lane.topic()),
        () ->
            "committed "
                + kafka.committedTotal(lane.group(), lane.topic())
                + " of "
                + kafka.endOffsetTotal(lane.topic()));
  }

  private static long count(String cypher, Map<String, Object> params) {
    try (var session = driver.session()) {
      Record record = session.run(cypher, params).single();
      return record.get(0).asLong();
    }
  }

  /** Each order of the list is in the graph exactly once, with exactly its lines. */
  private static void assertGraphHolds(List<Order> orders) {
    List<Map<String, Object>> rows = new ArrayList<>();
    long lines = 0;
    for (Order o : orders) {
      rows.add(
          Map.of("orderId", o.orderId(), "customerId", o.customerId(), "storeId", o.storeId()));
      lines += o.items().size();
    }
    Map<String, Object> params = Map.of("rows", rows);
    assertThat(
            count(
                """
                UNWIND $rows AS row
                MATCH (c:Customer {customerId: row.customerId})-[p:PLACED]->(o:Order {orderId: row.orderId})
                      -[a:AT]->(:Store {storeId: row.storeId})
                RETURN count(p)
                """,
                params))
        .as("orders placed by their customer at their store, once each")
        .isEqualTo(orders.size());
    assertThat(
            count(
                "UNWIND $rows AS row MATCH (:Order {orderId: row.orderId})-[r:CONTAINS]->() RETURN"
                    + " count(r)",
                params))
        .as("order lines")
        .isEqualTo(lines);
  }

  @Test
  void ordersBecomeAGraphAndReplaysChangeNothing() {
    Lane lane = Lane.fresh("graph");
    try (ConsumerService service = start(lane, neo4j.boltUri().toString())) {
      kafka.createTopic(lane.topic(), 4);
      List<Order> orders = Orders.forTest(lane.topic()).next(300, 3);
      kafka.send(lane.topic(), orders);
      kafka.send(lane.topic(), orders.subList(0, 100)); // replayed

      awaitCaughtUp(lane);

      assertGraphHolds(orders);
      assertThat(
              count(
                  "MATCH (o:Order) WHERE o.orderId STARTS WITH $p RETURN count(o)",
                  Map.of("p", lane.topic() + "-")))
          .isEqualTo(300);
    }
  }

  @Test
  void recommendsWhatCustomersWithTheSamePurchasesAlsoBought() {
    Lane lane = Lane.fresh("recs");
    try (ConsumerService service = start(lane, neo4j.boltUri().toString())) {
      kafka.createTopic(lane.topic(), 4);
      String p = lane.topic() + "-";
      kafka.send(
          lane.topic(),
          List.of(
              Orders.of(p + "1", "s", p + "ann", new Order.OrderItem(p + "tea", 1, 300)),
              Orders.of(
                  p + "2",
                  "s",
                  p + "bob",
                  new Order.OrderItem(p + "tea", 1, 300),
                  new Order.OrderItem(p + "cups", 2, 500)),
              Orders.of(
                  p + "3",
                  "s",
                  p + "cat",
                  new Order.OrderItem(p + "tea", 1, 300),
                  new Order.OrderItem(p + "cups", 1, 500),
                  new Order.OrderItem(p + "honey", 1, 700)),
              Orders.of(p + "4", "s", p + "dan", new Order.OrderItem(p + "rope", 1, 900))));

      awaitCaughtUp(lane);

      Http.Response response =
          Http.get(
              "http://127.0.0.1:" + service.httpPort() + "/customers/" + p + "ann/recommendations");
      assertThat(response.status()).isEqualTo(200);
      var recs = response.json().get("recommendations");
      assertThat(recs).hasSize(2);
      assertThat(recs.get(0).get("sku").asText()).isEqualTo(p + "cups");
      assertThat(recs.get(0).get("customers").asLong()).isEqualTo(2);
      assertThat(recs.get(1).get("sku").asText()).isEqualTo(p + "honey");
      assertThat(
              Http.get(
                      "http://127.0.0.1:"
                          + service.httpPort()
                          + "/customers/"
                          + p
                          + "ann/recommendations?limit=500")
                  .body())
          .contains("\"field\":\"limit\"");
    }
  }

  @Test
  void aNeo4jOutagePausesConsumptionAndLosesOrDoublesNothing() {
    Lane lane = Lane.fresh("graph-outage");
    List<Order> orders = Orders.forTest(lane.topic()).next(600, 3);
    // The harness keeps its store in a fresh directory per start, so the outage is made by
    // cutting the network path: what the service sees (resets, refused connections) is the same.
    try (TcpProxy proxy = TcpProxy.to(neo4j.boltUri().getPort());
        ConsumerService service = start(lane, "bolt://127.0.0.1:" + proxy.port())) {
      kafka.createTopic(lane.topic(), 4);
      kafka.send(lane.topic(), orders.subList(0, 200));
      Eventually.await(
          "the first orders to be committed",
          DEADLINE,
          () -> kafka.committedTotal(lane.group(), lane.topic()) >= 200);

      proxy.cut();
      kafka.send(lane.topic(), orders.subList(200, 600));
      String base = "http://127.0.0.1:" + service.httpPort();
      Eventually.await(
          "the consumer to pause for the outage",
          DEADLINE,
          () ->
              Http.get(base + "/metrics")
                  .body()
                  .contains("orders_store_paused{service=\"purchase-graph\"} 1.0"));
      assertThat(Http.get(base + "/readyz").status()).isEqualTo(503);
      assertThat(kafka.committedTotal(lane.group(), lane.topic()))
          .as("nothing committed while Neo4j is unreachable")
          .isEqualTo(200);
      proxy.restore();

      awaitCaughtUp(lane);
      assertGraphHolds(orders);
    }
  }
}
