package io.lagscaler.services.intake;

import brave.Span;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes orders keyed by storeId (so one store's orders stay in order on one partition) and
 * waits for the broker's acknowledgement: a 202 means the order is durably in Kafka.
 */
public final class OrderPublisher {

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Telemetry telemetry;

  public OrderPublisher(Producer<byte[], byte[]> producer, String topic, Telemetry telemetry) {
    this.producer = producer;
    this.topic = topic;
    this.telemetry = telemetry;
  }

  /** Where one order landed. */
  public record Placement(String orderId, int partition, long offset) {}

  /** Sends every order, then waits for all; the parent span is the HTTP request's. */
  public List<Placement> publish(List<Order> orders, Span parent) throws PublishException {
    List<Future<RecordMetadata>> futures = new ArrayList<>(orders.size());
    for (Order order : orders) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topic, order.storeId().getBytes(StandardCharsets.UTF_8), OrderJson.toBytes(order));
      Span send =
          telemetry
              .tracer()
              .newChild(parent.context())
              .kind(Span.Kind.PRODUCER)
              .name("send order")
              .remoteServiceName("kafka")
              .tag("order.id", order.orderId())
              .start();
      telemetry.inject(send.context(), record.headers());
      futures.add(
          producer.send(
              record,
              (metadata, error) -> {
                if (error != null) {
                  send.error(error);
                }
                send.finish();
              }));
    }
    List<Placement> placements = new ArrayList<>(orders.size());
    try {
      for (int i = 0; i < futures.size(); i++) {
        RecordMetadata metadata = futures.get(i).get(30, TimeUnit.SECONDS);
        placements.add(
            new Placement(orders.get(i).orderId(), metadata.partition(), metadata.offset()));
      }
      return placements;
    } catch (ExecutionException | TimeoutException e) {
      throw new PublishException("Kafka did not acknowledge the orders: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing", e);
    }
  }

  /** Kafka did not take the orders; the client may retry (orderIds make retries harmless). */
  public static final class PublishException extends Exception {
    public PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
