package io.lagscaler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * lag-scaler's view of its targets, read from its {@code /status} (docs/configuration.md) through
 * the API server's service proxy, so no port-forward or ingress is needed.
 */
final class ScalerStatus {

  /** One target as lag-scaler last saw it; what it could not measure is empty. */
  record Target(
      String name,
      String group,
      OptionalDouble timeLagSeconds,
      OptionalDouble targetLagSeconds,
      int desired,
      int ready,
      Optional<String> reason,
      Optional<String> explanation,
      String action,
      Optional<String> error) {}

  /** The answering instance and every target. */
  record View(
      String identity,
      boolean leader,
      Optional<String> currentLeader,
      Optional<String> configRejection,
      List<Target> targets) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalerStatus() {}

  /** The API server path of {@code /status} behind lag-scaler's Service (port {@code http}). */
  static String proxyPath(Environment environment) {
    return "api/v1/namespaces/"
        + environment.namespace()
        + "/services/"
        + environment.lagScalerService()
        + ":http/proxy/status";
  }

  /**
   * Reads {@code /status} from {@code scalerUrl} (lag-scaler's HTTP root, e.g. a {@code kubectl
   * port-forward}'s), for when the API server's proxy cannot reach the pod.
   *
   * @throws OpsException when lag-scaler does not answer there
   */
  static View read(URI scalerUrl) {
    URI url = URI.create(scalerUrl.toString().replaceAll("/+$", "") + "/status");
    try (java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      java.net.http.HttpResponse<String> response =
          http.send(
              java.net.http.HttpRequest.newBuilder(url)
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      return parse(url.toString(), response.statusCode(), response.body());
    } catch (IOException e) {
      throw new OpsException("lag-scaler's /status did not answer at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpsException("interrupted while reading lag-scaler's /status", e);
    }
  }

  /**
   * Reads {@code /status} through the API server's service proxy.
   *
   * @throws OpsException when lag-scaler does not answer through the proxy
   */
  static View read(Cluster cluster) {
    String url =
        cluster.client().getMasterUrl().toString().replaceAll("/+$", "")
            + "/"
            + proxyPath(cluster.environment());
    HttpClient http = cluster.client().getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder().uri(url).header("Accept", "application/json").build();
    HttpResponse<String> response;
    try {
      response = http.sendAsync(request, String.class).get(20, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new OpsException("lag-scaler's /status did not answer through " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpsException("interrupted while reading lag-scaler's /status", e);
    }
    return parse(url, response.code(), response.body());
  }

  private static View parse(String url, int code, String body) {
    if (code != 200) {
      throw new OpsException(
          "lag-scaler's /status at " + url + " answered HTTP " + code + ": " + firstLine(body));
    }
    try {
      return parse(JSON.readTree(body));
    } catch (IOException e) {
      throw new OpsException("lag-scaler's /status is not JSON: " + e.getMessage(), e);
    }
  }

  /** The status document as lag-scaler's StatusServer writes it. */
  static View parse(JsonNode root) {
    List<Target> targets = new ArrayList<>();
    for (JsonNode t : root.path("targets")) {
      JsonNode decision = t.path("decision");
      JsonNode signals = t.path("signals");
      targets.add(
          new Target(
              t.path("name").asText(),
              t.path("consumerGroup").asText(),
              number(signals.path("maxTimeLagSeconds")),
              number(t.path("targetLagSeconds")),
              t.path("replicas").path("desired").asInt(),
              t.path("replicas").path("ready").asInt(),
              text(decision.path("reason")),
              text(decision.path("explanation")),
              t.path("action").asText("?"),
              text(t.path("error"))));
    }
    return new View(
        root.path("identity").asText("?"),
        root.path("leader").asBoolean(false),
        text(root.path("currentLeader")),
        text(root.path("configRejection").path("message")),
        targets);
  }

  private static OptionalDouble number(JsonNode node) {
    return node.isNumber() ? OptionalDouble.of(node.asDouble()) : OptionalDouble.empty();
  }

  private static Optional<String> text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }

  private static String firstLine(String body) {
    if (body == null || body.isBlank()) {
      return "(no body)";
    }
    String line = body.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
