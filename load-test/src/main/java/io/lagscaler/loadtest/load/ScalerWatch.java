package io.lagscaler.loadtest.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * lag-scaler's {@code /status}, read once a second: every answer is appended as one JSON line to
 * status.jsonl, and one target's replicas and last decision are taken from it (the shape of {@code
 * io.lagscaler.http.StatusServer#json}).
 */
public final class ScalerWatch implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One target as the scaler saw it; empty replicas when the scaler could not be read. */
  public record View(
      OptionalInt desired, OptionalInt ready, String reason, String explanation, String error) {
    static View unknown(String error) {
      return new View(OptionalInt.empty(), OptionalInt.empty(), "", "", error);
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI status;
  private final Optional<String> target;
  private final Optional<String> group;
  private final BufferedWriter lines;

  /**
   * @param target the target's name; empty picks the target of {@code group}, or the only one
   */
  public ScalerWatch(String baseUrl, Optional<String> target, Optional<String> group, Path jsonl) {
    this.status = URI.create(baseUrl.replaceAll("/+$", "") + "/status");
    if (status.getHost() == null
        || !(status.getScheme().equals("http") || status.getScheme().equals("https"))) {
      throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
    }
    this.target = target;
    this.group = group;
    try {
      Files.createDirectories(jsonl.toAbsolutePath().getParent());
      this.lines = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + jsonl, e);
    }
  }

  /** One GET; records the answer and returns the target's view. */
  public View poll() {
    JsonNode body;
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(status)
                  .timeout(Duration.ofMillis(900))
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return View.unknown(status + " answered " + response.statusCode());
      }
      body = JSON.readTree(response.body());
      lines.write(JSON.writeValueAsString(body));
      lines.newLine();
      lines.flush();
    } catch (IOException e) {
      return View.unknown(status + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return View.unknown("interrupted");
    }
    return view(body, target, group);
  }

  /** The chosen target of one /status answer. */
  static View view(JsonNode status, Optional<String> target, Optional<String> group) {
    List<JsonNode> targets = new ArrayList<>();
    status.path("targets").forEach(targets::add);
    List<JsonNode> chosen =
        targets.stream()
            .filter(
                t ->
                    target.isPresent()
                        ? t.path("name").asText().equals(target.get())
                        : group.isEmpty() || t.path("consumerGroup").asText().equals(group.get()))
            .toList();
    if (chosen.size() != 1) {
      List<String> names = targets.stream().map(t -> t.path("name").asText()).toList();
      return View.unknown(
          (target
                  .map(t -> "no target named " + t)
                  .orElse(
                      chosen.isEmpty()
                          ? "no target for group " + group.orElse("?")
                          : "several targets; name one with --target"))
              + " among "
              + names);
    }
    JsonNode t = chosen.getFirst();
    JsonNode replicas = t.path("replicas");
    JsonNode decision = t.path("decision");
    return new View(
        replicas.hasNonNull("desired")
            ? OptionalInt.of(replicas.get("desired").asInt())
            : OptionalInt.empty(),
        replicas.hasNonNull("ready")
            ? OptionalInt.of(replicas.get("ready").asInt())
            : OptionalInt.empty(),
        decision.hasNonNull("reason") ? decision.get("reason").asText() : t.path("action").asText(),
        decision.hasNonNull("explanation") ? decision.get("explanation").asText() : "",
        t.hasNonNull("error") ? t.get("error").asText() : "");
  }

  @Override
  public void close() {
    try {
      lines.close();
    } catch (IOException ignored) {
      // the lines written so far were flushed
    }
    http.close();
  }
}
