package io.lagscaler.services.common.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that can never be processed (unparseable or invalid) to the dead-letter topic, the
 * original key, value and headers intact, with the reason and origin in {@code dlq.*} headers.
 *
 * <p>Exactly once, even when a send is retried: each call is one Kafka transaction, so a call that
 * failed leaves nothing a {@code read_committed} reader sees (its transaction is aborted, or fenced
 * and aborted by the next producer with the same transactional id), and the retry sends again. A
 * commit that timed out may still complete, so it is never abandoned: the next call first retries
 * that commit (which Kafka allows) and then skips the records it carried. Records are known by
 * their source topic, partition and offset, the dedupe key: a record already dead-lettered by this
 * process (a batch replayed after an outage or a rebalance) is not sent again.
 */
public final class DeadLetters implements AutoCloseable {

  public static final String ERROR = "dlq.error";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String CONSUMER_GROUP = "dlq.consumer.group";
  public static final String FAILED_AT = "dlq.failed.at";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  // Enough to cover every batch a consumer can replay in one process; older keys are forgotten.
  private static final int REMEMBERED = 100_000;

  private final Supplier<Producer<byte[], byte[]>> producers;
  private final String topic;
  private final String group;
  private final Map<Source, Boolean> published =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Boolean> eldest) {
          return size() > REMEMBERED;
        }
      };
  private Producer<byte[], byte[]> producer;
  // The records of a transaction whose commit timed out: it may yet commit.
  private List<Source> committing = List.of();

  /**
   * @param producers makes a transactional producer (a {@code transactional.id} set), always with
   *     the same id, so that a new one fences the one it replaces and aborts its open transaction
   */
  public DeadLetters(Supplier<Producer<byte[], byte[]>> producers, String topic, String group) {
    this.producers = producers;
    this.topic = topic;
    this.group = group;
  }

  /** A record that failed, and why. */
  public record Poison(ConsumerRecord<byte[], byte[]> record, String error) {}

  /** Where a dead letter came from: the dedupe key. */
  private record Source(String topic, int partition, long offset) {
    static Source of(ConsumerRecord<?, ?> record) {
      return new Source(record.topic(), record.partition(), record.offset());
    }
  }

  /**
   * Sends every poison record in one transaction and waits for its commit: the consumer commits
   * their offsets only after this returns, so a dead letter is never lost, and it is there once.
   * Called from one thread at a time (the consumer's store stage).
   */
  public synchronized void publish(List<Poison> poison) throws StoreUnavailableException {
    if (poison.isEmpty() && committing.isEmpty()) {
      return;
    }
    try {
      Producer<byte[], byte[]> out = producer();
      finishPendingCommit(out);
      List<Poison> fresh = new ArrayList<>(poison.size());
      for (Poison p : poison) {
        if (!published.containsKey(Source.of(p.record()))) {
          fresh.add(p);
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      send(out, fresh);
    } catch (KafkaException e) {
      throw new StoreUnavailableException("the dead-letter topic " + topic + " took no write", e);
    }
  }

  private void finishPendingCommit(Producer<byte[], byte[]> out) {
    if (committing.isEmpty()) {
      return;
    }
    try {
      out.commitTransaction();
      committing.forEach(s -> published.put(s, true));
      committing = List.of();
    } catch (TimeoutException | InterruptException stillUnknown) {
      throw stillUnknown;
    } catch (KafkaException e) {
      // The commit failed for good: the transaction is aborted, its records invisible.
      committing = List.of();
      abort(out);
      throw e;
    }
  }

  private void send(Producer<byte[], byte[]> out, List<Poison> poison) {
    String now = Instant.now().toString();
    List<Source> sources = poison.stream().map(p -> Source.of(p.record())).toList();
    try {
      out.beginTransaction();
      for (Poison p : poison) {
        out.send(deadLetter(p, now));
      }
    } catch (KafkaException e) {
      abort(out);
      throw e;
    }
    try {
      out.commitTransaction();
    } catch (TimeoutException | InterruptException unknown) {
      // It may still commit: retry this commit before anything else, never send these again.
      committing = sources;
      throw unknown;
    } catch (KafkaException e) {
      abort(out);
      throw e;
    }
    sources.forEach(s -> published.put(s, true));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(Poison p, String now) {
    ConsumerRecord<byte[], byte[]> in = p.record();
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, in.key(), in.value());
    for (Header header : in.headers()) {
      out.headers().add(header);
    }
    out.headers()
        .add(ERROR, bytes(p.error()))
        .add(SOURCE_TOPIC, bytes(in.topic()))
        .add(SOURCE_PARTITION, bytes(Integer.toString(in.partition())))
        .add(SOURCE_OFFSET, bytes(Long.toString(in.offset())))
        .add(CONSUMER_GROUP, bytes(group))
        .add(FAILED_AT, bytes(now));
    return out;
  }

  // Aborts the open transaction; if even that fails, drops the producer: the next one, with the
  // same transactional id, fences it and aborts its transaction on the broker.
  private void abort(Producer<byte[], byte[]> out) {
    try {
      out.abortTransaction();
    } catch (KafkaException e) {
      LOG.info(
          "dead-letter abort failed ({}); a new producer will fence the old one", e.toString());
      closeProducer();
    }
  }

  private Producer<byte[], byte[]> producer() {
    if (producer == null) {
      Producer<byte[], byte[]> fresh = producers.get();
      try {
        fresh.initTransactions();
      } catch (KafkaException e) {
        fresh.close(java.time.Duration.ZERO);
        throw e;
      }
      producer = fresh;
    }
    return producer;
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close(java.time.Duration.ZERO);
      producer = null;
    }
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
      producer = null;
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
