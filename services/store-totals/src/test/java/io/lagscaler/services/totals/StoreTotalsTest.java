package io.lagscaler.services.totals;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.LocalRedis;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.devstack.WithRedis;
import io.lagscaler.services.common.ConsumerService;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.DeadLetters;
import io.lagscaler.services.common.consumer.StoreLimit;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.testkit.Eventually;
import io.lagscaler.services.testkit.Expected;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WithKafka
@WithRedis
class StoreTotalsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final AtomicInteger RUN = new AtomicInteger();

  private static KafkaCluster cluster;
  private static LocalRedis redis;
  private static KafkaTestClient kafka;

  @BeforeAll
  static void connect(KafkaCluster kafkaCluster, LocalRedis localRedis) {
    cluster = kafkaCluster;
    redis = localRedis;
    kafka = new KafkaTestClient(cluster.bootstrapServers());
  }

  @AfterAll
  static void close() {
    kafka.close();
  }

  /** A topic, group and DLQ of the test's own, so tests share the broker but not state. */
  private record Lane(String topic, String dlq, String group) {
    static Lane fresh(String name) {
      int n = RUN.incrementAndGet();
      return new Lane(name + "-" + n, name + "-" + n + ".dlq", name + "-group-" + n);
    }
  }

  private static ConsumerService start(Lane lane, Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>();
    vars.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
    vars.put("ORDERS_TOPIC", lane.topic());
    vars.put("DLQ_TOPIC", lane.dlq());
    vars.put("ORDERS_PARTITIONS", "6");
    vars.put("CONSUMER_GROUP", lane.group());
    vars.put("HTTP_PORT", "0");
    vars.put("REDIS_URI", redis.uri());
    vars.put("REDIS_TIMEOUT", "500ms");
    vars.put("STORE_BACKOFF_INITIAL", "50ms");
    vars.put("STORE_BACKOFF_MAX", "500ms");
    vars.put("SHUTDOWN_GRACE", "10s");
    vars.put("MAX_POLL_RECORDS", "50");
    vars.putAll(extra);
    Env env = Env.of(vars);
    ServiceConfig config = ServiceConfig.read(env, "store-totals");
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "store-totals");
    RedisSettings settings = RedisSettings.read(env);
    env.validate();
    return StoreTotalsMain.start(config, consumer, settings);
  }

  private static JsonNode totals(ConsumerService service, String storeId, String date) {
    Http.Response response =
        Http.get(
            "http://127.0.0.1:"
                + service.httpPort()
                + "/stores/"
                + storeId
                + "/totals?date="
                + date
                + "&top=100");
    assertThat(response.status()).isEqualTo(200);
    return response.json();
  }

  /** Every store and day matches what the orders add up to, SKU by SKU. */
  private static void assertExact(ConsumerService service, List<Order> orders) {
    Expected.totals(orders)
        .forEach(
            (key, expected) -> {
              JsonNode actual = totals(service, key.storeId(), key.day().toString());
              assertThat(actual.get("orders").asLong())
                  .as("orders of %s", key)
                  .isEqualTo(expected.orders());
              assertThat(actual.get("revenueCents").asLong())
                  .as("revenue of %s", key)
                  .isEqualTo(expected.revenueCents());
              assertThat(actual.get("units").asLong())
                  .as("units of %s", key)
                  .isEqualTo(expected.units());
              Map<String, Long> skus = new HashMap<>();
              actual
                  .get("topSkus")
                  .forEach(s -> skus.put(s.get("sku").asText(), s.get("units").asLong()));
              assertThat(skus).as("units per SKU of %s", key).isEqualTo(expected.skuUnits());
            });
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

  @Test
  void ordersBecomeStoreTotalsWithTopSkusInOrder() {
    Lane lane = Lane.fresh("totals");
    try (ConsumerService service = start(lane, Map.of())) {
      kafka.createTopic(lane.topic(), 6);
      List<Order> orders =
          List.of(
              Orders.of(
                  "t-1",
                  "st",
                  "c1",
                  new Order.OrderItem("apple", 3, 100),
                  new Order.OrderItem("pear", 1, 250)),
              Orders.of("t-2", "st", "c2", new Order.OrderItem("apple", 2, 100)),
              Orders.of("t-3", "st", "c3", new Order.OrderItem("plum", 4, 50)));
      kafka.send(lane.topic(), orders);

      awaitCaughtUp(lane);

      JsonNode totals = totals(service, "st", "2026-11-22");
      assertThat(totals.get("revenueCents").asLong()).isEqualTo(300 + 250 + 200 + 200);
      assertThat(totals.get("orders").asLong()).isEqualTo(3);
      assertThat(totals.get("units").asLong()).isEqualTo(10);
      assertThat(totals.get("topSkus").get(0).get("sku").asText()).isEqualTo("apple");
      assertThat(totals.get("topSkus").get(0).get("units").asLong()).isEqualTo(5);
      assertThat(totals.get("topSkus").get(1).get("sku").asText()).isEqualTo("plum");
    }
  }

  @Test
  void aReplayedOrderIsCountedOnce() {
    Lane lane = Lane.fresh("replay");
    try (ConsumerService service = start(lane, Map.of())) {
      kafka.createTopic(lane.topic(), 6);
      Order order = Orders.of("r-1", "replay-store", "c", new Order.OrderItem("x", 2, 700));
      kafka.send(lane.topic(), List.of(order, order, order));

      awaitCaughtUp(lane);

      assertExact(service, List.of(order));
    }
  }

  @Test
  void badQueryParametersAreNamedIn400() {
    Lane lane = Lane.fresh("query");
    try (ConsumerService service = start(lane, Map.of())) {
      Http.Response response =
          Http.get(
              "http://127.0.0.1:" + service.httpPort() + "/stores/s1/totals?date=22-11-2026&top=0");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("\"field\":\"date\"").contains("\"field\":\"top\"");
    }
  }

  @Test
  void poisonMessagesGoToTheDlqWithTheirErrorAndConsumptionCarriesOn() {
    Lane lane = Lane.fresh("poison");
    try (ConsumerService service = start(lane, Map.of())) {
      kafka.createTopic(lane.topic(), 1);
      Order before = Orders.of("p-1", "poison-store", "c", new Order.OrderItem("x", 1, 100));
      Order after = Orders.of("p-2", "poison-store", "c", new Order.OrderItem("x", 1, 100));
      kafka.send(lane.topic(), List.of(before));
      kafka.sendRaw(lane.topic(), "poison-store", "{not json".getBytes(StandardCharsets.UTF_8));
      kafka.sendRaw(
          lane.topic(),
          "poison-store",
          "{\"orderId\":\"p-x\",\"storeId\":\"poison-store\",\"customerId\":\"c\",\"items\":[],\"createdAt\":\"2026-11-22T00:00:00Z\"}"
              .getBytes(StandardCharsets.UTF_8));
      kafka.send(lane.topic(), List.of(after));

      awaitCaughtUp(lane);

      assertExact(service, List.of(before, after));
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(lane.dlq(), 2, DEADLINE);
      assertThat(dead).hasSize(2);
      assertThat(header(dead.get(0), DeadLetters.ERROR)).startsWith("$: not valid JSON");
      assertThat(header(dead.get(1), DeadLetters.ERROR))
          .contains("items: must be an array of 1 to");
      assertThat(header(dead.get(1), DeadLetters.SOURCE_OFFSET)).isEqualTo("2");
      assertThat(header(dead.get(1), DeadLetters.SOURCE_TOPIC)).isEqualTo(lane.topic());
      assertThat(header(dead.get(1), DeadLetters.CONSUMER_GROUP)).isEqualTo(lane.group());
      assertThat(Http.get("http://127.0.0.1:" + service.httpPort() + "/metrics").body())
          .contains("orders_dlq_total{service=\"store-totals\"} 2.0");
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRedisOutagePausesConsumptionAndLosesOrDoublesNothing() {
    Lane lane = Lane.fresh("outage");
    List<Order> orders = Orders.forTest("outage").next(400, 3);
    try (ConsumerService service = start(lane, Map.of())) {
      kafka.createTopic(lane.topic(), 6);
      kafka.send(lane.topic(), orders.subList(0, 100));
      Eventually.await(
          "the first orders to be committed",
          DEADLINE,
          () -> kafka.committedTotal(lane.group(), lane.topic()) >= 100);

      redis.stop();
      try {
        kafka.send(lane.topic(), orders.subList(100, 400));
        String base = "http://127.0.0.1:" + service.httpPort();
        Eventually.await(
            "the consumer to pause for the outage",
            DEADLINE,
            () ->
                Http.get(base + "/metrics")
                    .body()
                    .contains("orders_store_paused{service=\"store-totals\"} 1.0"));
        assertThat(Http.get(base + "/readyz").status()).isEqualTo(503);
        long committedDuringOutage = kafka.committedTotal(lane.group(), lane.topic());
        assertThat(committedDuringOutage)
            .as("nothing committed while Redis is down")
            .isEqualTo(100);
      } finally {
        redis.restart();
      }

      awaitCaughtUp(lane);
      assertExact(service, orders);
    }
  }

  @Test
  void aRebalanceDuringProcessingNeitherLosesNorDoublesOrders() throws Exception {
    Lane lane = Lane.fresh("rebalance");
    List<Order> orders = Orders.forTest("rebalance").next(3000, 2);
    // Processing cost keeps the first consumer busy mid-stream when the second joins.
    Map<String, String> slow = Map.of("PROCESSING_COST_MICROS", "300", "MAX_POLL_RECORDS", "20");
    kafka.createTopic(lane.topic(), 6);
    ConsumerService first = start(lane, slow);
    ConsumerService second = null;
    try {
      Thread producer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < orders.size(); i += 100) {
                      kafka.send(lane.topic(), orders.subList(i, i + 100));
                    }
                  });
      Eventually.await(
          "the first consumer to be mid-stream",
          DEADLINE,
          () -> kafka.committedTotal(lane.group(), lane.topic()) >= 300);
      second = start(lane, slow);
      Eventually.await(
          "both consumers to be processing",
          DEADLINE,
          () -> kafka.committedTotal(lane.group(), lane.topic()) >= 1200);
      first.close(); // graceful leave mid-stream: a second rebalance
      producer.join();

      awaitCaughtUp(lane);
      assertExact(second, orders);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void theStoreAloneWritesPolledBatchesThroughTheServiceStoreClass(@TempDir Path dir)
      throws Exception {
    List<Order> orders = Orders.forTest("limit").next(300, 3);
    Path file = dir.resolve("batches.jsonl");
    List<List<byte[]>> polled = new ArrayList<>();
    for (int from = 0; from < orders.size(); from += 100) {
      polled.add(orders.subList(from, from + 100).stream().map(OrderJson::toBytes).toList());
    }
    StoreLimit.writeBatches(file, polled);

    List<List<Order>> batches = StoreLimit.readBatches(file);
    assertThat(batches).extracting(List::size).containsExactly(100, 100, 100);
    try (RedisTotalsStore store =
        new RedisTotalsStore(RedisSettings.read(Env.of(Map.of("REDIS_URI", redis.uri()))))) {
      StoreLimit.Result result = StoreLimit.measure(store, batches);

      assertThat(result.messages()).as("the first batch is not timed").isEqualTo(200);
      assertThat(result.batches()).isEqualTo(2);
      assertThat(result.messagesPerSecond()).isPositive();
      Expected.totals(orders)
          .forEach(
              (key, expected) -> {
                StoreTotals actual = store.totals(key.storeId(), key.day(), 100);
                assertThat(actual.orders()).as("orders of %s", key).isEqualTo(expected.orders());
                assertThat(actual.revenueCents())
                    .as("revenue of %s", key)
                    .isEqualTo(expected.revenueCents());
              });
    }
  }

  @Test
  void theKip848ConsumerProtocolConsumesToo() {
    Lane lane = Lane.fresh("kip848");
    try (ConsumerService service = start(lane, Map.of("GROUP_PROTOCOL", "consumer"))) {
      kafka.createTopic(lane.topic(), 6);
      List<Order> orders = Orders.forTest("kip848").next(200, 2);
      kafka.send(lane.topic(), orders);

      awaitCaughtUp(lane);

      assertExact(service, orders);
    }
  }

  @Test
  void shutdownCommitsTheLastBatchAndLeavesTheGroup() throws Exception {
    Lane lane = Lane.fresh("shutdown");
    kafka.createTopic(lane.topic(), 6);
    List<Order> orders = Orders.forTest("shutdown").next(500, 2);
    kafka.send(lane.topic(), orders);
    ConsumerService service = start(lane, Map.of());
    Eventually.await(
        "processing to start",
        DEADLINE,
        () -> kafka.committedTotal(lane.group(), lane.topic()) > 0);
    awaitCaughtUp(lane);

    long start = System.nanoTime();
    service.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    var members =
        kafka
            .admin()
            .describeConsumerGroups(List.of(lane.group()))
            .all()
            .get()
            .get(lane.group())
            .members();
    assertThat(members).as("the consumer left the group instead of timing out").isEmpty();
    assertThat(kafka.caughtUp(lane.group(), lane.topic())).isTrue();
  }
}
