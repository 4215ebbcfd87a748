package io.lagscaler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * One revision of a Helm release as Helm stored it (the Secret {@code sh.helm.release.v1.NAME.vN}:
 * base64 of gzipped JSON): its chart, written back out as a chart directory, and the values it was
 * installed with.
 */
final class StoredRelease {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final int revision;
  private final JsonNode release;

  StoredRelease(String name, int revision, JsonNode release) {
    this.name = name;
    this.revision = revision;
    this.release = release;
  }

  /** Reads revision {@code revision} of {@code name} from the environment's namespace. */
  static StoredRelease read(Cluster cluster, String name, int revision) {
    String secretName = "sh.helm.release.v1." + name + ".v" + revision;
    Secret secret =
        cluster
            .client()
            .secrets()
            .inNamespace(cluster.environment().namespace())
            .withName(secretName)
            .get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("release")) {
      throw new OpsException(
          "revision "
              + revision
              + " of "
              + name
              + " is not stored (no Secret "
              + secretName
              + " in "
              + cluster.environment().namespace()
              + "): Helm keeps only the last revisions (--history-max)");
    }
    return new StoredRelease(name, revision, decode(secret.getData().get("release")));
  }

  /** Helm's storage encoding: the API's base64 around Helm's own base64 of gzipped JSON. */
  static JsonNode decode(String secretData) {
    byte[] helmText = Base64.getDecoder().decode(secretData);
    byte[] payload = Base64.getDecoder().decode(new String(helmText, StandardCharsets.US_ASCII));
    try (InputStream in =
        payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b
            ? new GZIPInputStream(new ByteArrayInputStream(payload))
            : new ByteArrayInputStream(payload)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new OpsException("cannot read the stored release: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the revision's chart under {@code dir} (Chart.yaml, values.yaml, the schema, templates
   * and files) and returns it.
   *
   * @throws OpsException when the chart had dependencies: Helm does not store subcharts in a
   *     release, so the chart cannot be rebuilt from it
   */
  Path writeChart(Path dir) throws IOException {
    JsonNode chart = release.path("chart");
    JsonNode dependencies = chart.path("metadata").path("dependencies");
    if (dependencies.isArray() && !dependencies.isEmpty()) {
      throw new OpsException(
          name
              + " revision "
              + revision
              + " has chart dependencies, which Helm does not store with a release: roll it back"
              + " with the helm command line (helm rollback "
              + name
              + " "
              + revision
              + ")");
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("Chart.yaml"), yaml(chart.path("metadata")));
    Files.writeString(dir.resolve("values.yaml"), yaml(chart.path("values")));
    if (chart.hasNonNull("schema")) {
      Files.write(
          dir.resolve("values.schema.json"),
          Base64.getDecoder().decode(chart.get("schema").asText()));
    }
    for (String list : new String[] {"templates", "files"}) {
      for (JsonNode file : chart.path(list)) {
        Path target = dir.resolve(file.get("name").asText()).normalize();
        if (!target.startsWith(dir)) {
          throw new OpsException("stored chart file outside the chart: " + file.get("name"));
        }
        Files.createDirectories(target.getParent());
        Files.write(target, Base64.getDecoder().decode(file.path("data").asText("")));
      }
    }
    return dir;
  }

  /** The values the revision was installed with (what {@code helm get values --revision} shows). */
  Path writeValues(Path file) throws IOException {
    Files.writeString(file, yaml(release.path("config")));
    return file;
  }

  private static String yaml(JsonNode node) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Object plain =
        node.isMissingNode() || node.isNull() ? Map.of() : JSON.convertValue(node, Object.class);
    return new Yaml(options).dump(plain);
  }
}
