package io.lagscaler.loadtest.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lagscaler.act.ScaleState;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.loadtest.services.LocalStack;
import io.lagscaler.loadtest.services.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real store-totals processes against a real local Kafka and Redis. */
class LocalProcessScalerTest {

  private static final Path JAR = ServiceProcess.jar(Path.of("../services"), "store-totals");
  private static final WorkloadRef STORE_TOTALS =
      new WorkloadRef("local", WorkloadKind.DEPLOYMENT, "store-totals");
  private static LocalStack stack;

  @TempDir Path logs;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(true, false);
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  private LocalProcessScaler scaler(String redisUri) {
    return new LocalProcessScaler(Duration.ofSeconds(5))
        .register(
            STORE_TOTALS,
            new LocalProcessScaler.Workload(
                "store-totals",
                JAR,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    stack.bootstrapServers(),
                    "REDIS_URI",
                    redisUri,
                    "ORDERS_PARTITIONS",
                    "4",
                    "TRACING_SAMPLE_RATE",
                    "0"),
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                logs));
  }

  @Test
  void scalesUpByStartingProcessesThatBecomeReadyAndDownByStoppingTheNewest() throws Exception {
    try (LocalProcessScaler scaler = scaler(stack.redisUri())) {
      assertThat(scaler.read(STORE_TOTALS)).extracting(ScaleState::desired).isEqualTo(0);

      scaler.scale(STORE_TOTALS, 2);
      List<Long> pids = scaler.pids(STORE_TOTALS);
      assertThat(pids).hasSize(2).allMatch(pid -> ProcessHandle.of(pid).isPresent());
      ScaleState up = await(scaler, s -> s.ready() == 2);
      assertThat(up.desired()).isEqualTo(2);
      assertThat(up.current()).isEqualTo(2);

      scaler.scale(STORE_TOTALS, 1);
      assertThat(scaler.pids(STORE_TOTALS)).containsExactly(pids.get(0));
      ScaleState down = scaler.read(STORE_TOTALS);
      assertThat(down.desired()).isEqualTo(1);
      // SIGTERM: store-totals leaves its group and exits well within the grace period.
      ProcessHandle stopped = ProcessHandle.of(pids.get(1)).orElse(null);
      if (stopped != null) {
        stopped.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(ProcessHandle.of(pids.get(1)).map(ProcessHandle::isAlive))
          .isNotEqualTo(java.util.Optional.of(true));
      assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive)).contains(true);
    }
  }

  @Test
  void aRunningReplicaWhoseStoreIsUnreachableIsNotReady() throws Exception {
    // Nothing listens on port 1: the process runs, but its /readyz does not answer 200.
    try (LocalProcessScaler scaler = scaler("redis://127.0.0.1:1")) {
      scaler.scale(STORE_TOTALS, 1);
      ScaleState s = await(scaler, x -> x.current() == 1);
      Thread.sleep(5_000); // long enough for a healthy replica to become ready (see above)
      s = scaler.read(STORE_TOTALS);
      assertThat(s.current()).isEqualTo(1);
      assertThat(s.ready()).isZero();
    }
  }

  @Test
  void closeStopsEveryReplica() throws Exception {
    List<Long> pids;
    try (LocalProcessScaler scaler = scaler(stack.redisUri())) {
      scaler.scale(STORE_TOTALS, 2);
      pids = scaler.pids(STORE_TOTALS);
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .isNotEqualTo(java.util.Optional.of(true));
    }
  }

  @Test
  void anUnknownWorkloadIsNotFound() {
    try (LocalProcessScaler scaler = scaler(stack.redisUri())) {
      WorkloadRef other = new WorkloadRef("local", WorkloadKind.DEPLOYMENT, "purchase-graph");
      assertThatThrownBy(() -> scaler.read(other))
          .isInstanceOfSatisfying(
              ScalerException.class,
              e -> assertThat(e.kind()).isEqualTo(ScalerException.Kind.NOT_FOUND));
    }
  }

  private static ScaleState await(LocalProcessScaler scaler, Predicate<ScaleState> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    ScaleState s = scaler.read(STORE_TOTALS);
    while (!condition.test(s)) {
      assertThat(System.nanoTime()).as("waited 90 s; last state %s", s).isLessThan(deadline);
      Thread.sleep(200);
      s = scaler.read(STORE_TOTALS);
    }
    return s;
  }
}
