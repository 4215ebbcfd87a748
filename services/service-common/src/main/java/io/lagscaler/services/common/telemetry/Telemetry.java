package io.lagscaler.services.common.telemetry;

import brave.Span;
import brave.Tracer;
import brave.Tracing;
import brave.propagation.Propagation;
import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import brave.sampler.Sampler;
import io.lagscaler.services.common.config.ServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import zipkin2.reporter.BytesMessageSender;
import zipkin2.reporter.brave.AsyncZipkinSpanHandler;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Metrics (Micrometer, Prometheus format) and tracing (Brave, reported to Zipkin when an endpoint
 * is set) for one service. Trace context travels in Kafka record headers (B3), so a trace runs from
 * the HTTP request through the producer to each consumer.
 */
public final class Telemetry implements AutoCloseable {

  private static final Propagation.Setter<Headers, String> KAFKA_SETTER =
      (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
      };
  private static final Propagation.Getter<Headers, String> KAFKA_GETTER =
      (headers, key) -> {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
      };

  private final PrometheusMeterRegistry registry;
  private final Tracing tracing;
  private final AsyncZipkinSpanHandler spanHandler;
  private final BytesMessageSender sender;
  private final List<AutoCloseable> binders = new ArrayList<>();
  private final TraceContext.Injector<Headers> kafkaInjector;
  private final TraceContext.Extractor<Headers> kafkaExtractor;

  private Telemetry(
      PrometheusMeterRegistry registry,
      Tracing tracing,
      AsyncZipkinSpanHandler spanHandler,
      BytesMessageSender sender) {
    this.registry = registry;
    this.tracing = tracing;
    this.spanHandler = spanHandler;
    this.sender = sender;
    this.kafkaInjector = tracing.propagation().injector(KAFKA_SETTER);
    this.kafkaExtractor = tracing.propagation().extractor(KAFKA_GETTER);
  }

  public static Telemetry create(String serviceName, ServiceConfig.Tracing settings) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", serviceName);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);

    Tracing.Builder builder =
        Tracing.newBuilder()
            .localServiceName(serviceName)
            .sampler(Sampler.create((float) settings.sampleRate()));
    AsyncZipkinSpanHandler handler = null;
    BytesMessageSender sender = null;
    if (settings.zipkinEndpoint().isPresent()) {
      sender = URLConnectionSender.create(settings.zipkinEndpoint().get());
      handler = AsyncZipkinSpanHandler.create(sender);
      builder.addSpanHandler(handler);
    }
    Telemetry telemetry = new Telemetry(registry, builder.build(), handler, sender);
    telemetry.binders.add(gc);
    return telemetry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public Tracer tracer() {
    return tracing.tracer();
  }

  /** Publishes a Kafka client's own metrics (fetch rates, lag, request latency...). */
  public void bindKafka(Consumer<?, ?> consumer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    binders.add(metrics);
  }

  public void bindKafka(Producer<?, ?> producer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    binders.add(metrics);
  }

  /** Writes the span's context into record headers, replacing any context already there. */
  public void inject(TraceContext context, Headers headers) {
    kafkaInjector.inject(context, headers);
  }

  /** A consumer span continuing the trace found in the record headers (or a new trace). */
  public Span consumerSpan(Headers headers, String name) {
    TraceContextOrSamplingFlags extracted = kafkaExtractor.extract(headers);
    return tracing.tracer().nextSpan(extracted).kind(Span.Kind.CONSUMER).name(name);
  }

  /** A server span continuing the trace in HTTP request headers (B3). */
  public Span serverSpan(Function<String, String> requestHeader, String name) {
    TraceContextOrSamplingFlags extracted =
        tracing
            .propagation()
            .extractor((Function<String, String> h, String k) -> h.apply(k))
            .extract(requestHeader);
    return tracing.tracer().nextSpan(extracted).kind(Span.Kind.SERVER).name(name);
  }

  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception ignored) {
        // Closing meters at exit: nothing useful to do with a failure.
      }
    }
    tracing.close();
    if (spanHandler != null) {
      spanHandler.close();
    }
    if (sender != null) {
      try {
        sender.close();
      } catch (Exception ignored) {
        // Spans not yet sent are lost at exit, which is acceptable for traces.
      }
    }
    registry.close();
  }
}
