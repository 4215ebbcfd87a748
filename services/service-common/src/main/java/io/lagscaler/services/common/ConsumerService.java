package io.lagscaler.services.common;

import io.javalin.config.RoutesConfig;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.DeadLetters;
import io.lagscaler.services.common.consumer.OrderConsumer;
import io.lagscaler.services.common.consumer.OrderStore;
import io.lagscaler.services.common.http.ServiceHttp;
import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.telemetry.Telemetry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running consumer service: the order consumer on its own thread, the dead-letter producer, and
 * the HTTP server, wired the same way for every store. {@link #close()} is the SIGTERM path.
 */
public final class ConsumerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerService.class);
  private static final long MAX_QUERY_REQUEST_BYTES = 64 * 1024;

  private final ServiceConfig.Consumer settings;
  private final OrderStore store;
  private final Telemetry telemetry;
  private final Admin admin;
  private final DeadLetters deadLetters;
  private final OrderConsumer orderConsumer;
  private final Thread loop;
  private final ServiceHttp http;
  private volatile boolean failed;

  private ConsumerService(
      ServiceConfig config,
      ServiceConfig.Consumer settings,
      OrderStore store,
      Telemetry telemetry,
      Consumer<RoutesConfig> routes) {
    this.settings = settings;
    this.store = store;
    this.telemetry = telemetry;
    String clientId = config.serviceName() + "-" + ProcessHandle.current().pid();
    this.admin = Admin.create(KafkaClients.admin(config.bootstrapServers()));
    KafkaClients.ensureTopic(admin, config.ordersTopic(), config.ordersPartitions());
    KafkaClients.ensureTopic(admin, config.dlqTopic(), 1);
    // One transactional id per process: a producer made to replace a broken one fences it.
    String transactionalId = settings.groupId() + "-dlq-" + UUID.randomUUID();
    this.deadLetters =
        new DeadLetters(
            () -> {
              KafkaProducer<byte[], byte[]> producer =
                  new KafkaProducer<>(
                      KafkaClients.deadLetterProducer(
                          config.bootstrapServers(), clientId + "-dlq", transactionalId));
              telemetry.bindKafka(producer);
              return producer;
            },
            config.dlqTopic(),
            settings.groupId());
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(KafkaClients.consumer(config.bootstrapServers(), settings, clientId));
    telemetry.bindKafka(consumer);
    this.orderConsumer =
        new OrderConsumer(consumer, config.ordersTopic(), settings, store, deadLetters, telemetry);
    this.loop =
        Thread.ofPlatform()
            .name("order-consumer")
            .unstarted(
                () -> {
                  try {
                    orderConsumer.run();
                  } catch (RuntimeException e) {
                    failed = true;
                  }
                });
    Map<String, ServiceHttp.ReadinessCheck> readiness = new LinkedHashMap<>();
    readiness.put("kafka", () -> KafkaClients.problem(admin));
    readiness.put(store.name(), store::problem);
    this.http =
        ServiceHttp.start(config.httpPort(), MAX_QUERY_REQUEST_BYTES, telemetry, readiness, routes);
    loop.start();
  }

  public static ConsumerService start(
      ServiceConfig config,
      ServiceConfig.Consumer settings,
      OrderStore store,
      Telemetry telemetry,
      Consumer<RoutesConfig> routes) {
    return new ConsumerService(config, settings, store, telemetry, routes);
  }

  public int httpPort() {
    return http.port();
  }

  /** Blocks until the consumer loop ends; true when it ended because it failed. */
  public boolean awaitLoopEnd() throws InterruptedException {
    loop.join();
    return failed;
  }

  /**
   * Finishes the current batch, commits, leaves the group, then closes the rest; bounded by
   * SHUTDOWN_GRACE so it completes inside the pod's termination grace period.
   */
  @Override
  public void close() {
    orderConsumer.stop();
    try {
      if (!orderConsumer.awaitStopped(settings.shutdownGrace().plus(Duration.ofSeconds(1)))) {
        LOG.warn("the consumer did not stop within {}", settings.shutdownGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
    deadLetters.close();
    admin.close(Duration.ofSeconds(5));
    store.close();
    telemetry.close();
  }

  /** Runs {@code service} until SIGTERM (or the loop failing), then exits with a status. */
  public static void runUntilSignalled(ConsumerService service) throws InterruptedException {
    Thread hook = new Thread(service::close, "sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean failed = service.awaitLoopEnd();
    if (failed) {
      // The loop died on its own (not SIGTERM): exit non-zero so Kubernetes restarts the pod.
      System.exit(1);
    }
  }
}
