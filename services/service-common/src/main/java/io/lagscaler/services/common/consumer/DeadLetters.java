package io.lagscaler.services.common.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Sends records that can never be processed (unparseable or invalid) to the dead-letter topic, the
 * original key, value and headers intact, with the reason and origin in {@code dlq.*} headers.
 */
public final class DeadLetters {

  public static final String ERROR = "dlq.error";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String CONSUMER_GROUP = "dlq.consumer.group";
  public static final String FAILED_AT = "dlq.failed.at";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String group;

  public DeadLetters(Producer<byte[], byte[]> producer, String topic, String group) {
    this.producer = producer;
    this.topic = topic;
    this.group = group;
  }

  /** A record that failed, and why. */
  public record Poison(ConsumerRecord<byte[], byte[]> record, String error) {}

  /**
   * Sends every poison record and waits for the broker's acknowledgement: the consumer commits
   * their offsets only after this returns, so a dead letter is never lost.
   */
  public void publish(List<Poison> poison) throws StoreUnavailableException {
    if (poison.isEmpty()) {
      return;
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(poison.size());
    String now = Instant.now().toString();
    for (Poison p : poison) {
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
      sent.add(producer.send(out));
    }
    try {
      for (Future<RecordMetadata> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new StoreUnavailableException("the dead-letter topic " + topic + " took no write", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while writing dead letters", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
