package io.lagscaler.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.loadtest.services.ServiceProcess;
import io.lagscaler.services.testkit.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator against a real broker: directly and through a real order-intake process. 400
 * orders/s for 10 s must land within 2% of the profile's integral, every one counted.
 */
@WithKafka
class LoadGeneratorTest {

  private static final Profile CONSTANT_400 = Profile.of("constant", 0, 400, 10);
  private static ServiceProcess intake;
  private static KafkaTestClient kafka;

  @BeforeAll
  static void startIntake(KafkaCluster cluster, @TempDir Path logs) {
    kafka = new KafkaTestClient(cluster.bootstrapServers());
    kafka.createTopic("via-intake", 6);
    intake =
        ServiceProcess.start(
                "order-intake-1",
                ServiceProcess.jar(Path.of("../services"), "order-intake"),
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    cluster.bootstrapServers(),
                    "ORDERS_TOPIC",
                    "via-intake",
                    "TRACING_SAMPLE_RATE",
                    "0"),
                logs,
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"))
            .awaitReady(Duration.ofMinutes(2));
  }

  @AfterAll
  static void stopIntake() {
    intake.stop(Duration.ofSeconds(10));
    kafka.close();
  }

  /** Runs the generator for {@code seconds} of wall time and returns its final totals. */
  private static LoadGenerator.Snapshot run(
      Profile profile, Keys keys, OrderSink sink, int maxInFlight, double seconds)
      throws InterruptedException {
    LoadGenerator generator =
        new LoadGenerator(profile, keys, sink, maxInFlight, "t" + System.nanoTime());
    generator.start();
    Thread.sleep(Duration.ofMillis((long) (seconds * 1000)));
    return generator.stop();
  }

  @Test
  void straightToKafkaItProducesTheProfilesIntegralWithinTwoPercentWithHotKeys(KafkaCluster cluster)
      throws Exception {
    kafka.createTopic("direct", 6);
    LoadGenerator.Snapshot end =
        run(
            CONSTANT_400,
            Keys.parse("hot:0.8:0.1", 200),
            new KafkaSink(cluster.bootstrapServers(), "direct", Map.of()),
            1000,
            10);

    System.out.printf(
        "[accuracy] kafka: %.1f due, %d acknowledged%n", end.due(), end.acknowledged());
    assertThat(end.acknowledged()).isCloseTo(4000L, within(80L));
    assertThat(end.failed()).isEmpty();
    assertThat(end.inFlight()).isZero();
    assertThat(end.waiting()).isLessThanOrEqualTo(2);
    assertThat(kafka.endOffsetTotal("direct")).isEqualTo(end.acknowledged());
    List<ConsumerRecord<byte[], byte[]>> records =
        kafka.readAll("direct", (int) end.acknowledged(), Duration.ofSeconds(30));
    long hot =
        records.stream()
            .map(r -> new String(r.key(), StandardCharsets.UTF_8))
            .filter(k -> Integer.parseInt(k.substring("store-".length())) < 20)
            .count();
    assertThat(hot / (double) records.size()).isCloseTo(0.8, within(0.03));
  }

  @Test
  void throughOrderIntakeEveryAcknowledgedOrderIsInKafkaWithinTwoPercent() throws Exception {
    long before = kafka.endOffsetTotal("via-intake");
    LoadGenerator.Snapshot end =
        run(
            CONSTANT_400,
            Keys.parse("uniform", 200),
            new IntakeSink(intake.url(""), Duration.ofSeconds(10)),
            128,
            10);

    System.out.printf(
        "[accuracy] intake: %.1f due, %d acknowledged%n", end.due(), end.acknowledged());
    assertThat(end.acknowledged()).isCloseTo(4000L, within(80L));
    assertThat(end.failed()).isEmpty();
    assertThat(end.inFlight()).isZero();
    assertThat(kafka.endOffsetTotal("via-intake") - before).isEqualTo(end.acknowledged());
  }

  @Test
  void refusedAndUnreachableOrdersAreCountedAsFailuresByKind() throws Exception {
    // A real server answering 404 (no such route), and a port where nothing listens.
    LoadGenerator.Snapshot notFound =
        run(
            Profile.of("constant", 0, 50, 2),
            Keys.parse("uniform", 5),
            new IntakeSink(intake.url("/no-such-path"), Duration.ofSeconds(5)),
            16,
            2);
    assertThat(notFound.acknowledged()).isZero();
    assertThat(notFound.failed()).containsOnlyKeys("http 4xx");
    assertThat(notFound.failed().get("http 4xx")).isEqualTo(notFound.sent()).isGreaterThan(50);
    assertThat(notFound.firstErrors().get("http 4xx")).startsWith("404");

    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    LoadGenerator.Snapshot unreachable =
        run(
            Profile.of("constant", 0, 50, 2),
            Keys.parse("uniform", 5),
            new IntakeSink("http://127.0.0.1:" + closed, Duration.ofSeconds(5)),
            16,
            2);
    assertThat(unreachable.acknowledged()).isZero();
    assertThat(unreachable.failed()).containsOnlyKeys("transport");
    assertThat(unreachable.failedTotal()).isEqualTo(unreachable.sent()).isGreaterThan(50);
  }

  @Test
  void atTheInFlightBoundItFallsBehindAndSaysSo() throws Exception {
    // One order in flight at a time through HTTP cannot carry 100,000 orders/s: that would be a
    // 10 us round trip. (At 2,000/s a quiet machine answering 404s on loopback kept up.)
    Profile fast = Profile.of("constant", 0, 100_000, 6);
    LoadGenerator generator =
        new LoadGenerator(
            fast,
            Keys.parse("uniform", 5),
            new IntakeSink(intake.url("/no-such-path"), Duration.ofSeconds(5)),
            1,
            "slow" + System.nanoTime());
    Pace pace = new Pace();
    generator.start();
    boolean behind = false;
    for (int t = 1; t <= 6; t++) {
      Thread.sleep(
          Duration.ofNanos(generator.startNanos() + t * 1_000_000_000L - System.nanoTime()));
      behind |= pace.add(t, generator.snapshot()).behind();
    }
    LoadGenerator.Snapshot end = generator.stop();
    assertThat(behind).isTrue();
    assertThat(end.waiting()).isPositive();
    assertThat(end.sent()).isEqualTo(end.acknowledged() + end.failedTotal() + end.inFlight());
  }
}
