package io.lagscaler.services.intake;

import brave.Span;
import brave.Tracer;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.http.ServiceHttp;
import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.order.FieldError;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import io.lagscaler.services.common.telemetry.Meters;
import io.lagscaler.services.common.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/** order-intake: validates orders received over HTTP and publishes them to Kafka. */
public final class OrderIntake implements AutoCloseable {

  private final IntakeSettings settings;
  private final Telemetry telemetry;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final OrderPublisher publisher;
  private final ServiceHttp http;
  private final Counter accepted;
  private final Counter rejected;

  private OrderIntake(ServiceConfig config, IntakeSettings settings, Telemetry telemetry) {
    this.settings = settings;
    this.telemetry = telemetry;
    this.admin = Admin.create(KafkaClients.admin(config.bootstrapServers()));
    KafkaClients.ensureTopic(admin, config.ordersTopic(), config.ordersPartitions());
    KafkaClients.ensureTopic(admin, config.dlqTopic(), 1);
    this.producer =
        new KafkaProducer<>(
            KafkaClients.producer(
                config.bootstrapServers(), "order-intake-" + ProcessHandle.current().pid()));
    telemetry.bindKafka(producer);
    this.publisher = new OrderPublisher(producer, config.ordersTopic(), telemetry);
    this.accepted =
        Counter.builder(Meters.INTAKE).tag("outcome", "accepted").register(telemetry.registry());
    this.rejected =
        Counter.builder(Meters.INTAKE).tag("outcome", "rejected").register(telemetry.registry());
    this.http =
        ServiceHttp.start(
            config.httpPort(),
            settings.maxRequestBytes(),
            telemetry,
            Map.of("kafka", () -> KafkaClients.problem(admin)),
            routes -> {
              routes.post("/orders", this::postOrder);
              routes.post("/orders/batch", this::postBatch);
            });
  }

  public static OrderIntake start(
      ServiceConfig config, IntakeSettings settings, Telemetry telemetry) {
    return new OrderIntake(config, settings, telemetry);
  }

  public int httpPort() {
    return http.port();
  }

  private void postOrder(Context ctx) {
    Span span = serverSpan(ctx, "POST /orders");
    try (Tracer.SpanInScope ignored = telemetry.tracer().withSpanInScope(span)) {
      switch (OrderJson.parse(ctx.bodyAsBytes())) {
        case ParseResult.Invalid(List<FieldError> errors) -> invalid(ctx, errors, 1);
        case ParseResult.Valid(Order order) -> {
          List<OrderPublisher.Placement> placed = publish(ctx, List.of(order), span);
          if (placed != null) {
            OrderPublisher.Placement p = placed.getFirst();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("orderId", p.orderId());
            body.put("partition", p.partition());
            body.put("offset", p.offset());
            ServiceHttp.json(ctx, 202, body);
          }
        }
      }
    } finally {
      span.tag("http.status_code", Integer.toString(ctx.statusCode())).finish();
    }
  }

  private void postBatch(Context ctx) {
    Span span = serverSpan(ctx, "POST /orders/batch");
    try (Tracer.SpanInScope ignored = telemetry.tracer().withSpanInScope(span)) {
      JsonNode tree;
      try {
        tree = OrderJson.tree(ctx.bodyAsBytes());
      } catch (IOException e) {
        invalid(ctx, List.of(new FieldError("$", "not valid JSON")), 1);
        return;
      }
      if (tree == null || !tree.isArray() || tree.isEmpty()) {
        invalid(ctx, List.of(new FieldError("$", "must be a non-empty JSON array of orders")), 1);
        return;
      }
      if (tree.size() > settings.maxBatchOrders()) {
        rejected.increment(tree.size());
        ServiceHttp.json(
            ctx,
            413,
            Map.of(
                "error",
                "a batch may hold at most "
                    + settings.maxBatchOrders()
                    + " orders; this one has "
                    + tree.size()));
        return;
      }
      List<Order> orders = new ArrayList<>(tree.size());
      List<FieldError> errors = new ArrayList<>();
      for (ParseResult result : OrderJson.parseArray(tree)) {
        switch (result) {
          case ParseResult.Valid(Order order) -> orders.add(order);
          case ParseResult.Invalid(List<FieldError> e) -> errors.addAll(e);
        }
      }
      // All or nothing: a client fixes and resends the whole batch, and nothing is half-sent.
      if (!errors.isEmpty()) {
        invalid(ctx, errors, tree.size());
        return;
      }
      if (publish(ctx, orders, span) != null) {
        ServiceHttp.json(ctx, 202, Map.of("accepted", orders.size()));
      }
    } finally {
      span.tag("http.status_code", Integer.toString(ctx.statusCode())).finish();
    }
  }

  private List<OrderPublisher.Placement> publish(Context ctx, List<Order> orders, Span span) {
    try {
      List<OrderPublisher.Placement> placed = publisher.publish(orders, span);
      accepted.increment(orders.size());
      return placed;
    } catch (OrderPublisher.PublishException e) {
      span.error(e);
      ServiceHttp.json(ctx, 503, Map.of("error", e.getMessage()));
      return null;
    }
  }

  private void invalid(Context ctx, List<FieldError> errors, int orders) {
    rejected.increment(orders);
    ServiceHttp.json(
        ctx,
        400,
        Map.of(
            "error",
            "invalid order",
            "fields",
            errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList()));
  }

  private Span serverSpan(Context ctx, String name) {
    return telemetry.serverSpan(ctx::header, name).start();
  }

  @Override
  public void close() {
    http.close();
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(5));
    telemetry.close();
  }
}
