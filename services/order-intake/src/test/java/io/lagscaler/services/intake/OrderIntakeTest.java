package io.lagscaler.services.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithKafka
class OrderIntakeTest {

  private static final String TOPIC = "intake-orders";
  private static OrderIntake intake;
  private static KafkaTestClient kafka;
  private static String base;

  @BeforeAll
  static void start(KafkaCluster cluster) {
    Env env =
        Env.of(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                "ORDERS_TOPIC", TOPIC,
                "ORDERS_PARTITIONS", "3",
                "HTTP_PORT", "0",
                "TRACING_SAMPLE_RATE", "1.0",
                "MAX_REQUEST_BYTES", "4096",
                "MAX_BATCH_ORDERS", "5"));
    ServiceConfig config = ServiceConfig.read(env, "order-intake");
    IntakeSettings settings = IntakeSettings.read(env);
    env.validate();
    intake =
        OrderIntake.start(config, settings, Telemetry.create("order-intake", config.tracing()));
    kafka = new KafkaTestClient(cluster.bootstrapServers());
    base = "http://127.0.0.1:" + intake.httpPort();
  }

  @AfterAll
  static void stop() {
    intake.close();
    kafka.close();
  }

  private static ConsumerRecord<byte[], byte[]> recordOf(String orderId) {
    List<ConsumerRecord<byte[], byte[]>> all =
        kafka.readAll(TOPIC, (int) kafka.endOffsetTotal(TOPIC), Duration.ofSeconds(20));
    return all.stream()
        .filter(
            r ->
                OrderJson.parse(r.value()) instanceof ParseResult.Valid(Order o)
                    && o.orderId().equals(orderId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record for " + orderId));
  }

  @Test
  void acceptedOrderIsPublishedKeyedByStoreWithTraceContext() {
    Order order =
        Orders.of("accepted-1", "store-7", "cust-1", new Order.OrderItem("sku-1", 2, 500));

    Http.Response response = Http.post(base + "/orders", OrderJson.toBytes(order));

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().get("orderId").asText()).isEqualTo("accepted-1");
    ConsumerRecord<byte[], byte[]> record = recordOf("accepted-1");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("store-7");
    assertThat(record.partition()).isEqualTo(response.json().get("partition").asInt());
    assertThat(record.headers().lastHeader("X-B3-TraceId"))
        .as("B3 trace context header")
        .isNotNull();
    assertThat(OrderJson.parse(record.value())).isEqualTo(new ParseResult.Valid(order));
  }

  @Test
  void invalidOrderIsRejectedWith400NamingEachField() {
    long before = kafka.endOffsetTotal(TOPIC);

    Http.Response response =
        Http.post(
            base + "/orders",
            """
            {"orderId":"bad 1","storeId":"s","createdAt":"2026-11-22T10:15:30Z",
             "items":[{"sku":"a","quantity":-1,"unitPriceCents":5}]}
            """);

    assertThat(response.status()).isEqualTo(400);
    List<String> fields = new ArrayList<>();
    response.json().get("fields").forEach(f -> fields.add(f.get("field").asText()));
    assertThat(fields).containsExactly("orderId", "customerId", "items[0].quantity");
    assertThat(response.body()).contains("may contain only letters");
    assertThat(kafka.endOffsetTotal(TOPIC)).isEqualTo(before);
  }

  @Test
  void bodyOverTheSizeLimitIsRejectedWith413() {
    byte[] big = new byte[8192];
    java.util.Arrays.fill(big, (byte) ' ');

    assertThat(Http.post(base + "/orders", big).status()).isEqualTo(413);
  }

  @Test
  void batchOverTheOrderLimitIsRejectedWith413() {
    List<Order> six = Orders.forTest("too-many").next(6, 1);
    String body = Http.json(six.stream().map(OrderJson::toNode).toList());

    Http.Response response = Http.post(base + "/orders/batch", body);

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.body()).contains("at most 5 orders");
  }

  @Test
  void batchWithOneInvalidOrderPublishesNothingAndNamesItsIndex() {
    long before = kafka.endOffsetTotal(TOPIC);
    List<Order> orders = Orders.forTest("half-bad").next(3, 2);
    var nodes = new ArrayList<>(orders.stream().map(OrderJson::toNode).toList());
    nodes.get(1).remove("storeId");

    Http.Response response = Http.post(base + "/orders/batch", Http.json(nodes));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("fields").get(0).get("field").asText()).isEqualTo("[1].storeId");
    assertThat(kafka.endOffsetTotal(TOPIC)).isEqualTo(before);
  }

  @Test
  void validBatchIsPublishedWhole() {
    long before = kafka.endOffsetTotal(TOPIC);
    List<Order> orders = Orders.forTest("batch").next(5, 3);

    Http.Response response =
        Http.post(
            base + "/orders/batch", Http.json(orders.stream().map(OrderJson::toNode).toList()));

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.json().get("accepted").asInt()).isEqualTo(5);
    assertThat(kafka.endOffsetTotal(TOPIC)).isEqualTo(before + 5);
  }

  @Test
  void readyWhenKafkaAnswersAndMetricsCountOutcomes() {
    assertThat(Http.get(base + "/readyz").status()).isEqualTo(200);
    Http.post(base + "/orders", "{}");

    String metrics = Http.get(base + "/metrics").body();

    assertThat(metrics)
        .contains("orders_intake_total{outcome=\"rejected\"")
        .contains("kafka_producer_");
  }
}
