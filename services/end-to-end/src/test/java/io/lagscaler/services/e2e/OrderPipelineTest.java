package io.lagscaler.services.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.LocalNeo4j;
import io.lagscaler.devstack.LocalRedis;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.devstack.WithNeo4j;
import io.lagscaler.devstack.WithRedis;
import io.lagscaler.services.common.ConsumerService;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.lagscaler.services.graph.Neo4jSettings;
import io.lagscaler.services.graph.PurchaseGraphMain;
import io.lagscaler.services.intake.IntakeSettings;
import io.lagscaler.services.intake.OrderIntake;
import io.lagscaler.services.testkit.Eventually;
import io.lagscaler.services.testkit.Expected;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An order posted over HTTP reaches Redis totals and the Neo4j graph through Kafka. */
@WithKafka
@WithRedis
@WithNeo4j
class OrderPipelineTest {

  @Test
  void ordersPostedToTheIntakeReachTotalsAndTheGraph(
      KafkaCluster kafka, LocalRedis redis, LocalNeo4j neo4j) {
    Map<String, String> vars = new HashMap<>();
    vars.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    vars.put("ORDERS_TOPIC", "e2e-orders");
    vars.put("ORDERS_PARTITIONS", "6");
    vars.put("HTTP_PORT", "0");
    vars.put("REDIS_URI", redis.uri());
    vars.put("NEO4J_URI", neo4j.boltUri().toString());
    vars.put("TRACING_SAMPLE_RATE", "1.0");
    Env env = Env.of(vars);
    ServiceConfig intakeConfig = ServiceConfig.read(env, "order-intake");
    ServiceConfig totalsConfig = ServiceConfig.read(env, "store-totals");
    ServiceConfig graphConfig = ServiceConfig.read(env, "purchase-graph");
    IntakeSettings intakeSettings = IntakeSettings.read(env);
    ServiceConfig.Consumer totalsConsumer = ServiceConfig.readConsumer(env, "e2e-store-totals");
    ServiceConfig.Consumer graphConsumer = ServiceConfig.readConsumer(env, "e2e-purchase-graph");
    var redisSettings = io.lagscaler.services.totals.RedisSettings.read(env);
    Neo4jSettings neo4jSettings = Neo4jSettings.read(env);
    env.validate();

    List<Order> orders = Orders.forTest("e2e").next(250, 3);
    try (OrderIntake intake =
            OrderIntake.start(
                intakeConfig,
                intakeSettings,
                Telemetry.create("order-intake", intakeConfig.tracing()));
        ConsumerService totals =
            io.lagscaler.services.totals.StoreTotalsMain.start(
                totalsConfig, totalsConsumer, redisSettings);
        ConsumerService graph = PurchaseGraphMain.start(graphConfig, graphConsumer, neo4jSettings);
        KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers())) {
      String intakeUrl = "http://127.0.0.1:" + intake.httpPort();
      assertThat(Http.post(intakeUrl + "/orders", OrderJson.toBytes(orders.getFirst())).status())
          .isEqualTo(202);
      assertThat(
              Http.post(
                      intakeUrl + "/orders/batch",
                      Http.json(orders.subList(1, 250).stream().map(OrderJson::toNode).toList()))
                  .status())
          .isEqualTo(202);

      for (String group : List.of("e2e-store-totals", "e2e-purchase-graph")) {
        Eventually.await(
            group + " to consume every order",
            Duration.ofSeconds(60),
            () -> client.caughtUp(group, "e2e-orders"));
      }

      String totalsUrl = "http://127.0.0.1:" + totals.httpPort();
      Expected.totals(orders)
          .forEach(
              (key, expected) -> {
                var actual =
                    Http.get(totalsUrl + "/stores/" + key.storeId() + "/totals?date=" + key.day())
                        .json();
                assertThat(actual.get("orders").asLong()).isEqualTo(expected.orders());
                assertThat(actual.get("revenueCents").asLong()).isEqualTo(expected.revenueCents());
              });
      Order first = orders.getFirst();
      var recs =
          Http.get(
                  "http://127.0.0.1:"
                      + graph.httpPort()
                      + "/customers/"
                      + first.customerId()
                      + "/recommendations")
              .json()
              .get("recommendations");
      // 50 customers share 20 SKUs, so someone who bought the same SKU bought another one too.
      assertThat(recs.size()).isPositive();
      assertThat(Http.get(totalsUrl + "/readyz").status()).isEqualTo(200);
      assertThat(Http.get("http://127.0.0.1:" + graph.httpPort() + "/readyz").status())
          .isEqualTo(200);
    }
  }
}
