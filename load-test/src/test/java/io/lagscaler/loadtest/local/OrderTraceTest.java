package io.lagscaler.loadtest.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lagscaler.loadtest.services.LocalStack;
import io.lagscaler.loadtest.services.ServiceProcess;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.testkit.Eventually;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's tracing, end to end: a real Zipkin from the jar the build copies, real Kafka, Redis
 * and Neo4j, and the three services from their jars with the environment the demo gives them.
 */
class OrderTraceTest {

  @Test
  void anOrderIsOneTraceFromOrderIntakeThroughKafkaToBothConsumers(@TempDir Path dir)
      throws Exception {
    // Zipkin starts while the stack does: each takes seconds.
    CompletableFuture<DemoZipkin> starting =
        CompletableFuture.supplyAsync(() -> DemoZipkin.start(dir.resolve("zipkin")));
    try (LocalStack stack = LocalStack.start(true, true);
        DemoZipkin zipkin = starting.join();
        KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
      kafka.createTopic("orders", 3);
      Map<String, String> env = new HashMap<>(zipkin.serviceEnv(1.0));
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("ORDERS_PARTITIONS", "3");
      Map<String, String> totals = new HashMap<>(env);
      totals.put("REDIS_URI", stack.redisUri());
      totals.put("CONSUMER_GROUP", "store-totals");
      Map<String, String> graph = new HashMap<>(env);
      graph.put("NEO4J_URI", stack.boltUri());
      graph.put("CONSUMER_GROUP", "purchase-graph");
      List<ServiceProcess> services = new ArrayList<>();
      try {
        for (var service :
            Map.of("order-intake", env, "store-totals", totals, "purchase-graph", graph)
                .entrySet()) {
          services.add(
              ServiceProcess.start(
                  service.getKey(),
                  ServiceProcess.jar(Path.of("../services"), service.getKey()),
                  service.getValue(),
                  dir,
                  "-Xmx256m"));
        }
        services.forEach(s -> s.awaitReady(Duration.ofMinutes(2)));
        ServiceProcess intake =
            services.stream().filter(s -> s.name().equals("order-intake")).findFirst().get();

        Instant start = Instant.now();
        Http.Response posted =
            Http.post(intake.url("/orders"), OrderJson.toBytes(Orders.forTest("traced").next(2)));
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);

        // Spans arrive in batches, each service's after its own work: wait for the last one.
        TraceFinder finder = new TraceFinder(zipkin.url(), start);
        AtomicReference<Optional<String>> found = new AtomicReference<>(Optional.empty());
        Eventually.await(
            "spans of all three services in Zipkin under one trace id",
            Duration.ofSeconds(60),
            () -> {
              found.set(finder.findOnce());
              return found.get().isPresent();
            });
        String traceId = found.get().orElseThrow();
        JsonNode spans = finder.spans(traceId);
        List<String> kinds = new ArrayList<>();
        spans.forEach(
            span -> {
              assertThat(span.get("traceId").asText()).isEqualTo(traceId);
              kinds.add(
                  span.path("localEndpoint").path("serviceName").asText()
                      + " "
                      + span.path("kind").asText());
            });
        assertThat(TraceFinder.services(spans)).containsAll(TraceFinder.PIPELINE);
        assertThat(kinds)
            .as("the HTTP request, the send to Kafka and each consumer's processing")
            .contains(
                "order-intake SERVER",
                "order-intake PRODUCER",
                "store-totals CONSUMER",
                "purchase-graph CONSUMER");
        assertThat(zipkin.traceUrl(traceId)).startsWith("http://127.0.0.1:").endsWith(traceId);
        finder.close();
      } finally {
        services.forEach(s -> s.stop(Duration.ofSeconds(10)));
      }
    }
  }
}
