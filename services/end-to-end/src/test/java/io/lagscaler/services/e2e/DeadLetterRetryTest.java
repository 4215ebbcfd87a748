package io.lagscaler.services.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lagscaler.devstack.ChildProcesses;
import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.services.common.consumer.DeadLetters;
import io.lagscaler.services.common.consumer.StoreUnavailableException;
import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.testkit.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A poison record reaches the dead-letter topic once even when its send is retried: the broker (a
 * real one, in its own process) is frozen while the dead letter is committed, so the commit times
 * out on the client although the broker may still complete it, and the consumer retries the batch.
 */
class DeadLetterRetryTest {

  private static final String SOURCE = "orders-dlq-retry";
  private static KafkaBrokerProcess broker;
  private static KafkaTestClient kafka;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokerProcess.start();
    kafka = new KafkaTestClient(broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
    broker.close();
  }

  private static DeadLetters deadLetters(String dlq) {
    kafka.createTopic(dlq, 1);
    String transactionalId = dlq + "-tx";
    return new DeadLetters(
        () -> {
          Map<String, Object> config =
              KafkaClients.deadLetterProducer(broker.bootstrapServers(), dlq, transactionalId);
          // Short, so the frozen broker turns the commit into a client-side timeout quickly.
          config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_500);
          return new KafkaProducer<>(config);
        },
        dlq,
        "group");
  }

  /**
   * Dead-letters offset 1, retrying as the consumer would: the first transaction also finds the
   * coordinator and creates the transaction log, which can take longer than the short block time.
   */
  private static void warmUp(DeadLetters deadLetters) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        deadLetters.publish(List.of(poison(1)));
        return;
      } catch (StoreUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the broker took no dead letter in 60 s", e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static DeadLetters.Poison poison(long offset) {
    return new DeadLetters.Poison(
        new ConsumerRecord<>(
            SOURCE, 0, offset, "k".getBytes(StandardCharsets.UTF_8), bytes("{bad " + offset)),
        "$: not valid JSON");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> offsets(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream()
        .map(
            r ->
                new String(
                    r.headers().lastHeader(DeadLetters.SOURCE_OFFSET).value(),
                    StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void aDeadLetterWhoseCommitTimedOutIsThereOnceAfterTheRetry() throws Exception {
    String dlq = "dlq-commit-timeout";
    try (DeadLetters deadLetters = deadLetters(dlq)) {
      warmUp(deadLetters);

      ChildProcesses.freeze(broker.pid());
      try {
        assertThatThrownBy(() -> deadLetters.publish(List.of(poison(2), poison(3))))
            .isInstanceOf(StoreUnavailableException.class);
      } finally {
        ChildProcesses.thaw(broker.pid());
      }
      // The consumer's retry: the same batch again, then the next one.
      deadLetters.publish(List.of(poison(2), poison(3)));
      deadLetters.publish(List.of(poison(4)));
    }

    assertThat(offsets(kafka.readCommitted(dlq, Duration.ofSeconds(60))))
        .containsExactly("1", "2", "3", "4");
  }

  @Test
  void aRetryWhileTheBrokerIsStillFrozenAddsNothingAndTheNextOneLandsOnce() throws Exception {
    String dlq = "dlq-send-failed";
    try (DeadLetters deadLetters = deadLetters(dlq)) {
      warmUp(deadLetters);

      ChildProcesses.freeze(broker.pid());
      try {
        assertThatThrownBy(() -> deadLetters.publish(List.of(poison(2))))
            .isInstanceOf(StoreUnavailableException.class);
        // Still down: the retry fails too, and must neither lose nor add anything.
        assertThatThrownBy(() -> deadLetters.publish(List.of(poison(2))))
            .isInstanceOf(StoreUnavailableException.class);
      } finally {
        ChildProcesses.thaw(broker.pid());
      }
      deadLetters.publish(List.of(poison(2)));
    }

    assertThat(offsets(kafka.readCommitted(dlq, Duration.ofSeconds(60)))).containsExactly("1", "2");
  }

  @Test
  void aBatchReplayedAfterAnOutageIsNotDeadLetteredAgain() throws Exception {
    String dlq = "dlq-replay";
    try (DeadLetters deadLetters = deadLetters(dlq)) {
      warmUp(deadLetters);
      deadLetters.publish(List.of(poison(1), poison(2)));
      deadLetters.publish(List.of(poison(1), poison(2), poison(3)));
    }

    assertThat(offsets(kafka.readCommitted(dlq, Duration.ofSeconds(60))))
        .containsExactly("1", "2", "3");
  }
}
