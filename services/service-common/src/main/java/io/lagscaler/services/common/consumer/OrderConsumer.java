package io.lagscaler.services.common.consumer;

import brave.Span;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import io.lagscaler.services.common.telemetry.Meters;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The at-least-once loop every consumer service runs: poll, parse, write the valid orders to the
 * store, dead-letter the invalid ones, and only then commit. Nothing is committed that is not
 * stored, so a crash or a rebalance replays at most the uncommitted batch, which the idempotent
 * store absorbs.
 *
 * <p>When the store is down the loop rewinds to the batch's first offsets, pauses every assigned
 * partition, and retries after an exponential backoff: it keeps polling (so it stays in the group)
 * but fetches nothing and drops nothing.
 *
 * <p>{@link #stop()} lets the current batch finish and commit, then closes the consumer, which
 * leaves the group so its partitions move at once instead of after a session timeout.
 */
public final class OrderConsumer implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(OrderConsumer.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final ServiceConfig.Consumer settings;
  private final OrderStore store;
  private final DeadLetters deadLetters;
  private final Telemetry telemetry;
  private final ProcessingCost cost;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicInteger paused = new AtomicInteger();
  // Per partition: the offset after the last stored record, and the last offset the broker
  // confirmed as committed. They differ while a commit is in flight or after one failed.
  private final Map<TopicPartition, OffsetAndMetadata> storedOffsets = new HashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> confirmedOffsets = new HashMap<>();
  private long nextRecommitNanos;

  private final Counter stored;
  private final Counter deadLettered;
  private final Counter dlq;
  private final DistributionSummary batchSize;
  private final Timer batchDuration;
  private final Timer endToEnd;
  private final Timer storeSuccess;
  private final Timer storeFailure;

  private volatile boolean stopRequested;
  private Duration backoff;
  private long resumeAtNanos;
  private boolean inOutage;

  public OrderConsumer(
      Consumer<byte[], byte[]> consumer,
      String topic,
      ServiceConfig.Consumer settings,
      OrderStore store,
      DeadLetters deadLetters,
      Telemetry telemetry) {
    this.consumer = consumer;
    this.topic = topic;
    this.settings = settings;
    this.store = store;
    this.deadLetters = deadLetters;
    this.telemetry = telemetry;
    this.cost =
        new ProcessingCost(settings.processingCostPerMessage(), settings.processingCostMode());
    this.backoff = settings.backoffInitial();
    var registry = telemetry.registry();
    this.stored =
        Counter.builder(Meters.RECORDS_CONSUMED).tag("outcome", "stored").register(registry);
    this.deadLettered =
        Counter.builder(Meters.RECORDS_CONSUMED).tag("outcome", "dead_lettered").register(registry);
    this.dlq = Counter.builder(Meters.DLQ).register(registry);
    this.batchSize = DistributionSummary.builder(Meters.BATCH_SIZE).register(registry);
    this.batchDuration =
        Timer.builder(Meters.BATCH_DURATION)
            .serviceLevelObjectives(Meters.latencyBuckets())
            .register(registry);
    this.endToEnd =
        Timer.builder(Meters.END_TO_END)
            .serviceLevelObjectives(Meters.latencyBuckets())
            .register(registry);
    this.storeSuccess =
        Timer.builder(Meters.STORE_CALL)
            .tag("store", store.name())
            .tag("outcome", "success")
            .serviceLevelObjectives(Meters.latencyBuckets())
            .register(registry);
    this.storeFailure =
        Timer.builder(Meters.STORE_CALL)
            .tag("store", store.name())
            .tag("outcome", "failure")
            .serviceLevelObjectives(Meters.latencyBuckets())
            .register(registry);
    registry.gauge(Meters.STORE_PAUSED, paused);
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic), new Listener());
      while (!stopRequested) {
        maybeResume();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        if (!records.isEmpty()) {
          handle(records);
        } else {
          recommitUnconfirmed();
        }
      }
      commitStoredSync(List.copyOf(storedOffsets.keySet()));
      LOG.info("stopping: the last batch is committed; leaving the group");
    } catch (RuntimeException e) {
      LOG.error("consumer loop failed; exiting so the platform restarts the process", e);
      throw e;
    } finally {
      try {
        consumer.close(CloseOptions.timeout(settings.shutdownGrace()));
      } finally {
        finished.countDown();
      }
    }
  }

  /** Asks the loop to finish its batch, commit and leave the group. */
  public void stop() {
    stopRequested = true;
  }

  /** Waits until the loop has closed the consumer; false if the time ran out. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isPausedForOutage() {
    return paused.get() == 1;
  }

  private Duration pollTimeout() {
    if (!inOutage) {
      return POLL;
    }
    long remaining = resumeAtNanos - System.nanoTime();
    return Duration.ofNanos(Math.max(0, Math.min(remaining, POLL.toNanos())));
  }

  private void maybeResume() {
    if (inOutage && System.nanoTime() >= resumeAtNanos) {
      // Resume and let the next poll refetch the rewound batch: that poll is the retry.
      consumer.resume(consumer.paused());
      inOutage = false;
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) {
    long start = System.nanoTime();
    batchSize.record(records.count());
    List<Order> orders = new ArrayList<>(records.count());
    List<DeadLetters.Poison> poison = new ArrayList<>();
    List<Span> spans = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Span span = telemetry.consumerSpan(record.headers(), "process order").start();
      spans.add(span);
      cost.spend();
      switch (parse(record)) {
        case ParseResult.Valid(Order order) -> {
          span.tag("order.id", order.orderId());
          orders.add(order);
        }
        case ParseResult.Invalid(var errors) -> {
          String error = errors.stream().map(Object::toString).collect(Collectors.joining("; "));
          span.tag("error", error);
          poison.add(new DeadLetters.Poison(record, error));
        }
      }
    }
    try {
      if (!orders.isEmpty()) {
        writeTimed(orders);
      }
      // After the store write, so that a retry after an outage does not dead-letter twice.
      deadLetters.publish(poison);
    } catch (StoreUnavailableException e) {
      spans.forEach(s -> s.error(e).finish());
      enterOutage(records, e);
      return;
    }
    commit(records);
    stored.increment(orders.size());
    deadLettered.increment(poison.size());
    dlq.increment(poison.size());
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      endToEnd.record(Math.max(0, now - record.timestamp()), TimeUnit.MILLISECONDS);
    }
    spans.forEach(Span::finish);
    batchDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    paused.set(0);
    if (backoff.compareTo(settings.backoffInitial()) != 0) {
      LOG.info("{} is back: stored a batch of {} after the outage", store.name(), orders.size());
      backoff = settings.backoffInitial();
    }
  }

  private static ParseResult parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return new ParseResult.Invalid(
          List.of(new io.lagscaler.services.common.order.FieldError("$", "empty record value")));
    }
    return OrderJson.parse(record.value());
  }

  private void writeTimed(List<Order> orders) throws StoreUnavailableException {
    long start = System.nanoTime();
    try {
      store.write(orders);
      storeSuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    } catch (StoreUnavailableException e) {
      storeFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
  }

  private void commit(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.getLast().offset() + 1));
    }
    storedOffsets.putAll(offsets);
    // Asynchronous: a synchronous commit per batch costs a broker round trip per poll, most of
    // the loop's time. Only stored offsets are ever committed. A failed async commit (say, during
    // a rebalance) is superseded by the next batch's, and when no batch follows, the idle loop
    // re-sends what the broker has not confirmed; revocation and close commit synchronously. A
    // commit lost in a crash only means a replay, which the idempotent store absorbs.
    commitAsync(offsets);
  }

  private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    consumer.commitAsync(
        offsets,
        (committed, error) -> {
          // Runs on this thread, inside poll or commit calls.
          if (error != null) {
            LOG.debug("async commit failed; it will be sent again: {}", error.toString());
            return;
          }
          committed.forEach(
              (partition, offset) ->
                  confirmedOffsets.merge(
                      partition, offset, (a, b) -> a.offset() >= b.offset() ? a : b));
        });
  }

  // While idle, re-send (at most once a second) stored offsets the broker has not confirmed.
  private void recommitUnconfirmed() {
    if (inOutage || System.nanoTime() < nextRecommitNanos) {
      return;
    }
    nextRecommitNanos = System.nanoTime() + 1_000_000_000L;
    Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    storedOffsets.forEach(
        (partition, offset) -> {
          OffsetAndMetadata confirmed = confirmedOffsets.get(partition);
          if ((confirmed == null || confirmed.offset() < offset.offset())
              && consumer.assignment().contains(partition)) {
            pending.put(partition, offset);
          }
        });
    if (!pending.isEmpty()) {
      commitAsync(pending);
    }
  }

  private void commitStoredSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = storedOffsets.remove(partition);
      confirmedOffsets.remove(partition);
      if (offset != null) {
        offsets.put(partition, offset);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
    } catch (RebalanceInProgressException | CommitFailedException e) {
      // The partitions already moved: the new owner replays from the last durable commit, and
      // the idempotent store counts those orders once.
      LOG.info("final commit skipped, partitions were reassigned: {}", e.getMessage());
    } catch (KafkaException e) {
      LOG.warn("final commit failed; the next owner will replay from the last commit", e);
    }
  }

  private void enterOutage(ConsumerRecords<byte[], byte[]> records, StoreUnavailableException e) {
    // Rewind so the next fetch after the backoff returns these same records.
    for (TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).getFirst().offset());
    }
    consumer.pause(consumer.assignment());
    inOutage = true;
    paused.set(1);
    resumeAtNanos = System.nanoTime() + backoff.toNanos();
    LOG.warn(
        "{} unavailable ({}); paused {} partitions, retrying in {} ms",
        store.name(),
        e.getMessage(),
        consumer.assignment().size(),
        backoff.toMillis());
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : doubled;
  }

  private final class Listener implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Every polled batch is already stored (callbacks run only inside poll), so the handover
      // needs only a durable commit of what was stored.
      commitStoredSync(partitions);
      LOG.info("revoked {}", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      LOG.info("assigned {}", partitions);
      if (inOutage) {
        // The store is still down: do not fetch the new partitions until the retry.
        consumer.pause(partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(storedOffsets::remove);
      partitions.forEach(confirmedOffsets::remove);
      LOG.warn("lost {} (session expired); their uncommitted records will be replayed", partitions);
    }
  }
}
