package io.lagscaler.loadtest.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Finds one sampled order whose trace reached every service of the pipeline, asking Zipkin's API
 * every two seconds from the start of a run until one has: a trace is only complete once the
 * slowest consumer has processed the order, which under lag can take a while.
 */
public final class TraceFinder implements AutoCloseable {

  /** The services a complete order trace passes through, in order. */
  public static final List<String> PIPELINE =
      List.of("order-intake", "store-totals", "purchase-graph");

  private static final Duration EVERY = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String zipkinUrl;
  private final Instant since;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicReference<String> traceId = new AtomicReference<>();
  private Thread watcher;

  /** Looks only at traces that started at or after {@code since} (one run of a --compare). */
  public TraceFinder(String zipkinUrl, Instant since) {
    this.zipkinUrl = zipkinUrl;
    this.since = since;
  }

  /** Asks Zipkin in the background until a complete trace is found; then tells {@code found}. */
  public TraceFinder watch(Consumer<String> found) {
    watcher =
        Thread.ofVirtual()
            .name("trace-finder")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    Optional<String> id = findOnce();
                    if (id.isPresent()) {
                      traceId.set(id.get());
                      found.accept(id.get());
                      return;
                    }
                    try {
                      Thread.sleep(EVERY);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    return this;
  }

  /** The trace found so far. */
  public Optional<String> traceId() {
    return Optional.ofNullable(traceId.get());
  }

  /**
   * One look: the newest trace since the start that has spans of every pipeline service; empty when
   * there is none yet or Zipkin did not answer (the next look tries again).
   */
  public Optional<String> findOnce() {
    Instant now = Instant.now();
    long lookback = Math.max(1, Duration.between(since, now).toMillis());
    String query =
        "/api/v2/traces?serviceName="
            + URLEncoder.encode(PIPELINE.getLast(), StandardCharsets.UTF_8)
            + "&endTs="
            + now.toEpochMilli()
            + "&lookback="
            + lookback
            + "&limit=50";
    try {
      for (JsonNode trace : get(query)) {
        if (services(trace).containsAll(PIPELINE)) {
          return Optional.of(trace.get(0).get("traceId").asText());
        }
      }
    } catch (IOException notAnswering) {
      // Zipkin busy or restarting: the next look tries again.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /** Every span of one trace, as Zipkin's API gives them (a JSON array of v2 spans). */
  public JsonNode spans(String traceId) throws IOException, InterruptedException {
    return get("/api/v2/trace/" + URLEncoder.encode(traceId, StandardCharsets.UTF_8));
  }

  /**
   * Writes the found trace's spans to {@code file}: the in-memory Zipkin is gone with the demo, and
   * any Zipkin UI opens the file (its upload button).
   */
  public Optional<Path> save(Path file) {
    Optional<String> id = traceId();
    if (id.isEmpty()) {
      return Optional.empty();
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), spans(id.get()));
      return Optional.of(file);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The services that reported spans of one trace. */
  public static Set<String> services(JsonNode spans) {
    Set<String> services = new HashSet<>();
    spans.forEach(
        span -> {
          JsonNode local = span.path("localEndpoint").path("serviceName");
          if (!local.isMissingNode()) {
            services.add(local.asText());
          }
        });
    return services;
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(zipkinUrl + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("Zipkin answered " + response.statusCode() + " to " + path);
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.interrupt();
    }
    http.close();
  }
}
