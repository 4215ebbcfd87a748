package io.lagscaler.loadtest.load;

import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Orders straight to Kafka, as order-intake writes them: an idempotent producer, acks=all, the
 * store id as the key and the order JSON as the value.
 */
public final class KafkaSink implements OrderSink {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String bootstrap;
  private final String topic;

  public KafkaSink(String bootstrap, String topic, Map<String, Object> extraProperties) {
    Map<String, Object> config =
        new java.util.HashMap<>(KafkaClients.producer(bootstrap, "load-test"));
    // A send blocks the generator while the producer waits for metadata or buffer room: fail it
    // after 10 s (counted) rather than the default minute.
    config.put("max.block.ms", 10_000);
    config.putAll(extraProperties);
    this.producer = new KafkaProducer<>(config);
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String describe() {
    return "Kafka " + bootstrap + " topic " + topic;
  }

  @Override
  public void send(Order order, Consumer<Outcome> done) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic, order.storeId().getBytes(StandardCharsets.UTF_8), OrderJson.toBytes(order));
    try {
      producer.send(
          record,
          (metadata, error) ->
              done.accept(
                  error == null
                      ? Outcome.ACKNOWLEDGED
                      : Outcome.failed(
                          "kafka " + error.getClass().getSimpleName(), error.getMessage())));
    } catch (RuntimeException e) {
      // Refused before it was queued (buffer full past max.block.ms, closed producer...).
      done.accept(Outcome.failed("kafka " + e.getClass().getSimpleName(), e.getMessage()));
    }
  }

  /** Flushes, then closes; a send still unanswered after 30 s fails with the producer's error. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
