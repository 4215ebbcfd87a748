package io.lagscaler.loadtest.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The parts of Prometheus's HTTP API the proof uses; an error answer carries its message. */
final class PrometheusApi {

  /** A query Prometheus rejected, with its error type and message. */
  static final class QueryError extends Exception {
    QueryError(String message) {
      super(message);
    }
  }

  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  PrometheusApi(String url) {
    this.url = url;
  }

  /** The series a range query returns over [start, end] (epoch seconds). */
  JsonNode queryRange(String expr, long start, long end, int stepSeconds) throws QueryError {
    return data("/api/v1/query_range?query="
            + encode(expr)
            + "&start="
            + start
            + "&end="
            + end
            + "&step="
            + stepSeconds)
        .get("result");
  }

  /** The values of {@code label} on the series matching {@code selector} over [start, end]. */
  List<String> labelValues(String label, String selector, long start, long end) throws QueryError {
    String path = "/api/v1/label/" + label + "/values?start=" + start + "&end=" + end;
    if (selector != null) {
      path += "&match[]=" + encode(selector);
    }
    List<String> values = new ArrayList<>();
    data(path).forEach(v -> values.add(v.asText()));
    return values;
  }

  /** Whether any series of metric {@code name} was stored over [start, end]. */
  boolean hasSeries(String name, long start, long end) throws QueryError {
    return !data("/api/v1/series?match[]="
            + encode("{__name__=\"" + name + "\"}")
            + "&start="
            + start
            + "&end="
            + end)
        .isEmpty();
  }

  /** The loaded rule groups, with each rule's health and last error. */
  JsonNode ruleGroups() throws QueryError {
    return data("/api/v1/rules").get("groups");
  }

  /** The scrape targets, active and dropped. */
  JsonNode targets() throws QueryError {
    return data("/api/v1/targets");
  }

  private JsonNode data(String path) throws QueryError {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = json.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new QueryError(
            body.path("errorType").asText("?") + ": " + body.path("error").asText(response.body()));
      }
      return body.get("data");
    } catch (IOException e) {
      throw new QueryError("Prometheus did not answer " + path + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryError("interrupted");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
