package io.lagscaler.loadtest;

import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.explain.SignalsView;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code observe-demo}: lag-scaler's observer on a live local Kafka. A producer writes at a steady
 * rate; a consumer group reads too slowly, falls behind, then speeds up and catches up; every few
 * seconds the command prints what lag-scaler sees.
 */
@Command(
    name = "observe-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local Kafka broker, a producer and a consumer group that falls behind and then"
          + " catches up, and prints what lag-scaler's observer sees every few seconds: lag,"
          + " time lag, rates and partition status. Stops everything it started at the end or on"
          + " Ctrl-C."
    })
public final class ObserveDemoCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      defaultValue = "60",
      description = "Seconds to run (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--rate",
      defaultValue = "300",
      description = "Messages/s produced (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--every",
      defaultValue = "5",
      description = "Seconds between views (default: ${DEFAULT-VALUE}).")
  int everySeconds;

  @Override
  public Integer call() throws Exception {
    System.out.println("starting a local Kafka broker...");
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("orders", 6, (short) 1))).all().get();
      }
      AtomicBoolean running = new AtomicBoolean(true);
      // The consumer reads at 2/3 of the arrival rate for the first half, then at twice it.
      AtomicInteger consumeRate = new AtomicInteger(rate * 2 / 3);
      Thread producer =
          Thread.ofPlatform().name("demo-producer").start(() -> produce(bootstrap, running));
      Thread consumer =
          Thread.ofPlatform()
              .name("demo-consumer")
              .start(() -> consume(bootstrap, running, consumeRate));
      List<GroupQuery> queries = List.of(GroupQuery.of("demo-consumers"));
      try (LagReader reader =
          LagReader.connect(
              Map.of("bootstrap.servers", bootstrap), Duration.ofSeconds(5), Clock.systemUTC())) {
        SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
        long start = System.nanoTime();
        long nextView = 0;
        while (System.nanoTime() - start < Duration.ofSeconds(durationSeconds).toNanos()) {
          long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
          if (elapsed >= durationSeconds / 2 && consumeRate.get() < rate) {
            consumeRate.set(rate * 2);
            System.out.printf("%n[%3ds] the consumer speeds up to %d msg/s%n", elapsed, rate * 2);
          }
          Poll poll = reader.poll(queries);
          Map<String, GroupSignals> signals = tracker.update(poll, queries);
          if (elapsed >= nextView) {
            System.out.printf(
                "%n[%3ds] producing %d msg/s, consuming at most %d msg/s; poll %d ms, %d broker requests%n",
                elapsed,
                rate,
                consumeRate.get(),
                poll.stats().duration().toMillis(),
                poll.stats().brokerRequests());
            System.out.print(SignalsView.table(signals.values(), false));
            nextView = elapsed + everySeconds;
          }
          Thread.sleep(1000);
        }
      } finally {
        running.set(false);
        producer.join(10_000);
        consumer.join(10_000);
      }
      System.out.println("\ndone: every process started by the demo is stopped.");
      return 0;
    }
  }

  private void produce(String bootstrap, AtomicBoolean running) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      byte[] value = new byte[200];
      long sent = 0;
      long start = System.nanoTime();
      while (running.get()) {
        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
        for (; sent < due; sent++) {
          producer.send(new ProducerRecord<>("orders", Long.toString(sent % 97).getBytes(), value));
        }
        sleepQuietly(10);
      }
    }
  }

  private static void consume(String bootstrap, AtomicBoolean running, AtomicInteger rate) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-consumers");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of("orders"));
      while (running.get()) {
        int n = consumer.poll(Duration.ofMillis(200)).count();
        consumer.commitSync();
        // Simulated work: n messages at the current rate.
        sleepQuietly(n * 1000L / Math.max(1, rate.get()));
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
