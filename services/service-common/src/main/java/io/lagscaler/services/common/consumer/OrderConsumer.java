package io.lagscaler.services.common.consumer;

import brave.Span;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.order.FieldError;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import io.lagscaler.services.common.telemetry.Meters;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * stored, so a crash or a rebalance replays at most the uncommitted batches, which the idempotent
 * store absorbs.
 *
 * <p>Two threads, so that polling and parsing the next batch overlap the store call of the current
 * one (the store call is most of a batch's time): this thread owns the Kafka consumer (poll, parse,
 * commit, seek, rebalance callbacks); a {@link StoreStage} thread writes batches to the store one
 * at a time, in the order they were polled. At most {@link #MAX_IN_FLIGHT} batches are handed over
 * and not yet acknowledged. The store stage acknowledges in poll order, so committing each
 * acknowledged batch's offsets commits every partition in order and never past a record the store
 * has not taken.
 *
 * <p>When the store is down the loop abandons every batch in flight, rewinds each of their
 * partitions to its first unacknowledged offset, pauses every assigned partition, and retries after
 * an exponential backoff: it keeps polling (so it stays in the group) but fetches nothing and drops
 * nothing.
 *
 * <p>{@link #stop()} lets the batches in flight finish and commit, then closes the consumer, which
 * leaves the group so its partitions move at once instead of after a session timeout.
 */
public final class OrderConsumer implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(OrderConsumer.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * Batches handed to the store stage and not yet acknowledged: one being written and one parsed
   * and waiting is enough to keep the store busy; more would only hold more uncommitted records.
   */
  static final int MAX_IN_FLIGHT = 2;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final ServiceConfig.Consumer settings;
  private final OrderStore store;
  private final Telemetry telemetry;
  private final ProcessingCost cost;
  private final StoreStage storeStage;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicInteger paused = new AtomicInteger();
  // Handed to the store stage and not yet acknowledged, in poll order (this thread only).
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
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
    this.telemetry = telemetry;
    this.cost =
        new ProcessingCost(settings.processingCostPerMessage(), settings.processingCostMode());
    this.backoff = settings.backoffInitial();
    var registry = telemetry.registry();
    this.storeStage = new StoreStage(store, deadLetters, registry);
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
    registry.gauge(Meters.STORE_PAUSED, paused);
  }

  @Override
  public void run() {
    storeStage.start();
    try {
      consumer.subscribe(List.of(topic), new Listener());
      while (!stopRequested) {
        resolveDone();
        maybeResume();
        if (inFlight.size() >= MAX_IN_FLIGHT) {
          // The store is the bottleneck: wait for it rather than poll more.
          resolve(storeStage.awaitDone(POLL), true);
          continue;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        if (!records.isEmpty()) {
          Batch batch = parse(records);
          inFlight.addLast(batch);
          storeStage.submit(batch);
        } else {
          recommitUnconfirmed();
        }
      }
      awaitInFlight(settings.shutdownGrace());
      commitStoredSync(List.copyOf(storedOffsets.keySet()));
      LOG.info("stopping: the last batch is committed; leaving the group");
    } catch (RuntimeException e) {
      LOG.error("consumer loop failed; exiting so the platform restarts the process", e);
      throw e;
    } finally {
      try {
        storeStage.stop();
        consumer.close(CloseOptions.timeout(settings.shutdownGrace()));
      } finally {
        finished.countDown();
      }
    }
  }

  /** Asks the loop to finish its batches in flight, commit and leave the group. */
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
      // While a batch is in flight, come back soon to commit it once it is acknowledged.
      return inFlight.isEmpty() ? POLL : Duration.ofMillis(5);
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

  private Batch parse(ConsumerRecords<byte[], byte[]> records) {
    batchSize.record(records.count());
    Batch batch = new Batch(storeStage.epoch(), records.count());
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
      batch.firstOffsets.put(partition, list.getFirst().offset());
      batch.nextOffsets.put(partition, new OffsetAndMetadata(list.getLast().offset() + 1));
    }
    int i = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      batch.timestamps[i++] = record.timestamp();
      Span span = telemetry.consumerSpan(record.headers(), "process order").start();
      batch.spans.add(span);
      cost.spend();
      switch (parse(record)) {
        case ParseResult.Valid(Order order) -> {
          span.tag("order.id", order.orderId());
          batch.orders.add(order);
        }
        case ParseResult.Invalid(var errors) -> {
          String error = errors.stream().map(Object::toString).collect(Collectors.joining("; "));
          span.tag("error", error);
          batch.poison.add(new DeadLetters.Poison(record, error));
        }
      }
    }
    return batch;
  }

  private static ParseResult parse(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return new ParseResult.Invalid(List.of(new FieldError("$", "empty record value")));
    }
    return OrderJson.parse(record.value());
  }

  private void resolveDone() {
    Batch done;
    while ((done = storeStage.pollDone()) != null) {
      resolve(done, true);
    }
  }

  /**
   * Acts on a batch the store stage finished: commits it when stored, rewinds and pauses when the
   * store failed. {@code commitNow} is false inside a revocation, which commits synchronously.
   */
  private void resolve(Batch batch, boolean commitNow) {
    if (batch == null) {
      return;
    }
    if (batch != inFlight.peekFirst()) {
      // Abandoned earlier (outage, lost partitions): its records were rewound and come again.
      batch.spans.forEach(s -> s.tag("abandoned", "true").finish());
      return;
    }
    inFlight.removeFirst();
    switch (batch.outcome) {
      case Batch.Outcome.Stored() -> acknowledged(batch, commitNow);
      case Batch.Outcome.Unavailable(StoreUnavailableException e) -> {
        batch.spans.forEach(s -> s.error(e).finish());
        inFlight.addFirst(batch); // rewound with the rest
        enterOutage(e);
      }
      case Batch.Outcome.Abandoned() ->
          batch.spans.forEach(s -> s.tag("abandoned", "true").finish());
      case Batch.Outcome.Crashed(RuntimeException e) ->
          throw new IllegalStateException("the store stage failed unexpectedly", e);
      case null -> throw new IllegalStateException("a batch came back without an outcome");
    }
  }

  private void acknowledged(Batch batch, boolean commitNow) {
    storedOffsets.putAll(batch.nextOffsets);
    // Asynchronous: a synchronous commit per batch costs a broker round trip per poll, most of
    // the loop's time. Only stored offsets are ever committed. A failed async commit (say, during
    // a rebalance) is superseded by the next batch's, and when no batch follows, the idle loop
    // re-sends what the broker has not confirmed; revocation and close commit synchronously. A
    // commit lost in a crash only means a replay, which the idempotent store absorbs.
    if (commitNow) {
      commitAsync(batch.nextOffsets);
    }
    stored.increment(batch.orders.size());
    deadLettered.increment(batch.poison.size());
    dlq.increment(batch.poison.size());
    long now = System.currentTimeMillis();
    for (long timestamp : batch.timestamps) {
      endToEnd.record(Math.max(0, now - timestamp), TimeUnit.MILLISECONDS);
    }
    batch.spans.forEach(Span::finish);
    batchDuration.record(System.nanoTime() - batch.polledAtNanos, TimeUnit.NANOSECONDS);
    paused.set(0);
    if (backoff.compareTo(settings.backoffInitial()) != 0) {
      LOG.info(
          "{} is back: stored a batch of {} after the outage", store.name(), batch.orders.size());
      backoff = settings.backoffInitial();
    }
  }

  /** Resolves batches until none is in flight or {@code timeout} passed; false if time ran out. */
  private boolean awaitInFlight(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!inFlight.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      resolve(storeStage.awaitDone(Duration.ofNanos(left)), false);
    }
    return true;
  }

  /**
   * Gives up on every batch in flight: their partitions are rewound to the first record not yet
   * acknowledged, so the records come again (the store stage skips abandoned batches it has not
   * started, and one it is writing is written once more later, which the idempotent store absorbs).
   */
  private void abandonInFlight(Set<TopicPartition> notOwned) {
    Map<TopicPartition, Long> rewind = new HashMap<>();
    for (Batch batch : inFlight) {
      batch.firstOffsets.forEach(rewind::putIfAbsent); // the oldest batch's offset wins
    }
    inFlight.clear();
    storeStage.abandonSubmitted();
    Set<TopicPartition> assigned = consumer.assignment();
    rewind.forEach(
        (partition, offset) -> {
          if (assigned.contains(partition) && !notOwned.contains(partition)) {
            consumer.seek(partition, offset);
          }
        });
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

  private void enterOutage(StoreUnavailableException e) {
    // Rewind so the next fetch after the backoff returns the unacknowledged records again.
    abandonInFlight(Set.of());
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
      // Let the batches in flight finish (store calls are bounded by the store's timeout), so
      // the handover commits everything stored; whatever is still unacknowledged at the grace's
      // end is abandoned and replayed by the next owner or by this consumer after a rewind.
      if (!awaitInFlight(settings.shutdownGrace())) {
        LOG.warn("the store did not acknowledge in-flight batches in time; abandoning them");
        abandonInFlight(new HashSet<>(partitions));
      }
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
      // Batches in flight may hold records of the lost partitions, which can no longer be
      // committed; give them all up and rewind the partitions still owned.
      abandonInFlight(new HashSet<>(partitions));
      partitions.forEach(storedOffsets::remove);
      partitions.forEach(confirmedOffsets::remove);
      LOG.warn("lost {} (session expired); their uncommitted records will be replayed", partitions);
    }
  }
}
