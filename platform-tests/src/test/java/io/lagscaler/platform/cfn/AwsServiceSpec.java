package io.lagscaler.platform.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The AWS resource specification from the npm package {@code @aws-cdk/aws-service-spec} ({@code
 * db.json.gz}): for every CloudFormation resource type its properties (type, required), its {@code
 * Fn::GetAtt} attributes and how it is tagged. The package is fetched once with the ordinary npm
 * client ({@code npm pack}) into a cache directory; the version is pinned in the root POM.
 */
public final class AwsServiceSpec {

  public static final String PACKAGE = "@aws-cdk/aws-service-spec";

  /** A property of a resource or of a nested property type. */
  public record Property(String name, JsonNode type, boolean required) {}

  /**
   * A resource type: its properties, attributes and tag property (empty if it cannot be tagged).
   */
  public record ResourceType(
      String name,
      Map<String, Property> properties,
      Set<String> attributes,
      Optional<String> tagProperty) {}

  private static AwsServiceSpec shared;

  private final Map<String, ResourceType> resources;
  private final Map<String, Map<String, Property>> typeDefinitions;
  private final String version;

  private AwsServiceSpec(
      String version,
      Map<String, ResourceType> resources,
      Map<String, Map<String, Property>> typeDefinitions) {
    this.version = version;
    this.resources = resources;
    this.typeDefinitions = typeDefinitions;
  }

  /** The specification of the version the build pins, fetched on first use. */
  public static synchronized AwsServiceSpec shared() {
    if (shared == null) {
      String version = requiredProperty("lagscaler.awsServiceSpec.version");
      Path cache = Path.of(requiredProperty("lagscaler.awsServiceSpec.cache"));
      try {
        shared = parse(version, readDbJson(fetch("npm", version, cache)));
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + PACKAGE + "@" + version, e);
      }
    }
    return shared;
  }

  public String version() {
    return version;
  }

  public int resourceTypeCount() {
    return resources.size();
  }

  public Optional<ResourceType> resource(String cloudFormationType) {
    return Optional.ofNullable(resources.get(cloudFormationType));
  }

  /** The properties of a nested property type, by its {@code $ref} id. */
  public Map<String, Property> typeDefinition(String id) {
    Map<String, Property> properties = typeDefinitions.get(id);
    if (properties == null) {
      throw new IllegalStateException(PACKAGE + " has no type definition " + id);
    }
    return properties;
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run the tests through Maven (./mvnw)");
    }
    return value;
  }

  /** Runs {@code npm pack PACKAGE@version} into the cache unless the tarball is already there. */
  static Path fetch(String npm, String version, Path cache) throws IOException {
    Path tarball = cache.resolve("aws-cdk-aws-service-spec-" + version + ".tgz");
    if (Files.isRegularFile(tarball)) {
      return tarball;
    }
    Files.createDirectories(cache);
    List<String> command =
        List.of(
            npm,
            "pack",
            PACKAGE + "@" + version,
            "--pack-destination",
            cache.toAbsolutePath().toString(),
            "--silent");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(cache.resolve("npm-pack.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          npm
              + " is not installed or not on PATH: install Node.js and npm (Debian: apt-get install"
              + " -y nodejs npm) so the build can fetch "
              + PACKAGE
              + "@"
              + version
              + ", the AWS resource specification the CloudFormation templates are checked"
              + " against",
          e);
    }
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("npm pack " + PACKAGE + "@" + version + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching " + PACKAGE, e);
    }
    if (process.exitValue() != 0 || !Files.isRegularFile(tarball)) {
      throw new IllegalStateException(
          "npm pack "
              + PACKAGE
              + "@"
              + version
              + " failed (exit "
              + process.exitValue()
              + "): "
              + Files.readString(cache.resolve("npm-pack.log")));
    }
    return tarball;
  }

  /** Reads {@code package/db.json.gz} out of the npm tarball (a gzipped POSIX tar). */
  static byte[] readDbJson(Path tarball) throws IOException {
    try (InputStream tar = new GZIPInputStream(Files.newInputStream(tarball))) {
      byte[] header = new byte[512];
      while (tar.readNBytes(header, 0, 512) == 512) {
        String name = cString(header, 0, 100);
        if (name.isEmpty()) {
          break;
        }
        long size = Long.parseLong(cString(header, 124, 12).trim(), 8);
        byte[] content = tar.readNBytes((int) size);
        tar.skipNBytes((512 - size % 512) % 512);
        if (name.equals("package/db.json.gz")) {
          try (InputStream json = new GZIPInputStream(new ByteArrayInputStream(content))) {
            return json.readAllBytes();
          }
        }
      }
    }
    throw new IllegalStateException(tarball + " has no package/db.json.gz");
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
  }

  static AwsServiceSpec parse(String version, byte[] dbJson) throws IOException {
    JsonNode schema = new ObjectMapper().readTree(dbJson).path("schema");
    Map<String, Map<String, Property>> typeDefinitions = new HashMap<>();
    for (JsonNode type : schema.path("typeDefinition").path("entities")) {
      typeDefinitions.put(type.path("$id").asText(), properties(type.path("properties")));
    }
    Map<String, ResourceType> resources = new HashMap<>();
    for (JsonNode resource : schema.path("resource").path("entities")) {
      String name = resource.path("cloudFormationType").asText();
      Set<String> attributes = Set.copyOf(iterableNames(resource.path("attributes")));
      JsonNode tagInformation = resource.path("tagInformation");
      Optional<String> tagProperty =
          tagInformation.isMissingNode()
              ? Optional.empty()
              : Optional.of(tagInformation.path("tagPropertyName").asText());
      resources.put(
          name,
          new ResourceType(name, properties(resource.path("properties")), attributes, tagProperty));
    }
    if (resources.isEmpty()) {
      throw new IllegalStateException(PACKAGE + "@" + version + ": no resource types in db.json");
    }
    return new AwsServiceSpec(version, resources, typeDefinitions);
  }

  private static Map<String, Property> properties(JsonNode node) {
    Map<String, Property> properties = new LinkedHashMap<>();
    node.properties()
        .forEach(
            entry ->
                properties.put(
                    entry.getKey(),
                    new Property(
                        entry.getKey(),
                        entry.getValue().path("type"),
                        entry.getValue().path("required").asBoolean(false))));
    return properties;
  }

  private static List<String> iterableNames(JsonNode node) {
    return node.properties().stream().map(Map.Entry::getKey).toList();
  }
}
