package io.lagscaler.services.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.http.ServiceHttp;
import io.lagscaler.services.common.telemetry.Telemetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceHttpTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsEachDependencyAndNamesTheFailingOne() throws Exception {
    AtomicReference<String> storeProblem = new AtomicReference<>("Redis unreachable: refused");
    Map<String, ServiceHttp.ReadinessCheck> checks = new LinkedHashMap<>();
    checks.put("kafka", () -> null);
    checks.put("redis", storeProblem::get);
    try (Telemetry telemetry =
            Telemetry.create("test", new ServiceConfig.Tracing(Optional.empty(), 1.0));
        ServiceHttp http = ServiceHttp.start(0, 1024, telemetry, checks, routes -> {})) {

      assertThat(get(http.port(), "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(http.port(), "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("\"redis\":\"Redis unreachable: refused\"");

      storeProblem.set(null);
      assertThat(get(http.port(), "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metricsShowServedRequestsByRouteTemplate() throws Exception {
    try (Telemetry telemetry =
            Telemetry.create("test", new ServiceConfig.Tracing(Optional.empty(), 0.0));
        ServiceHttp http =
            ServiceHttp.start(
                0, 1024, telemetry, Map.of(), routes -> routes.get("/things/{id}", ctx -> {}))) {
      get(http.port(), "/things/1");
      get(http.port(), "/things/2");

      String metrics = get(http.port(), "/metrics").body();

      assertThat(metrics)
          .contains("http_server_requests_seconds_count{")
          .contains(
              "http_server_requests_seconds_bucket{method=\"GET\",route=\"/things/{id}\","
                  + "service=\"test\",status=\"200\",le=\"0.5\"} 2")
          .contains("route=\"/things/{id}\"")
          .doesNotContain("route=\"/things/1\"")
          .contains("jvm_memory_used_bytes");
    }
  }
}
