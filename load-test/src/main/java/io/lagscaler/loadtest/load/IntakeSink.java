package io.lagscaler.loadtest.load;

import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Orders through order-intake: one {@code POST /orders} each, asynchronous. 2xx is acknowledged
 * (the intake answers 202 once Kafka has the order); 4xx, 5xx and transport errors are failures,
 * counted apart.
 */
public final class IntakeSink implements OrderSink {

  private final HttpClient http;
  private final URI orders;
  private final Duration timeout;
  private final java.util.Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  /** {@code baseUrl} is the intake's root, e.g. {@code http://order-intake:8080}. */
  public IntakeSink(String baseUrl, Duration timeout) {
    this.orders = URI.create(baseUrl.replaceAll("/+$", "") + "/orders");
    if (orders.getHost() == null
        || !(orders.getScheme().equals("http") || orders.getScheme().equals("https"))) {
      throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
    }
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @Override
  public String name() {
    return "intake";
  }

  @Override
  public String describe() {
    return "order-intake POST " + orders;
  }

  @Override
  public void send(Order order, Consumer<Outcome> done) {
    HttpRequest request =
        HttpRequest.newBuilder(orders)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(OrderJson.toBytes(order)))
            .build();
    CompletableFuture<Void> f =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .handle(
                (response, error) -> {
                  done.accept(outcome(response, error));
                  return null;
                });
    inFlight.add(f);
    f.whenComplete((v, e) -> inFlight.remove(f));
  }

  static Outcome outcome(HttpResponse<String> response, Throwable error) {
    if (error != null) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      return Outcome.failed(
          "transport", cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return Outcome.ACKNOWLEDGED;
    }
    String body = response.body() == null ? "" : response.body();
    String detail = status + " " + body.substring(0, Math.min(200, body.length()));
    return status < 500 ? Outcome.failed("http 4xx", detail) : Outcome.failed("http 5xx", detail);
  }

  /** Waits for every request in flight (each ends by its own timeout at the latest). */
  @Override
  public void close() {
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception stillWaiting) {
      // The generator reports what is still in flight.
    }
    http.close();
  }
}
