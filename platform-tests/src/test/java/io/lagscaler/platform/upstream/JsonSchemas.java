package io.lagscaler.platform.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.lagscaler.platform.helm.Charts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * JSON Schema validation (networknt json-schema-validator) of chart values against a chart's
 * values.schema.json, and of custom resources against their CRD's openAPIV3Schema, strictly: a
 * field the CRD does not declare is an error, as kubectl's server-side field validation (Strict)
 * would report it, instead of being pruned without a word.
 */
public final class JsonSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

  private JsonSchemas() {}

  /** Validates VALUES (the chart's defaults merged with ours, as Helm does) against SCHEMA. */
  public static List<String> validateValues(Path schemaFile, Map<String, Object> values) {
    try {
      ObjectNode schema = (ObjectNode) JSON.readTree(Files.readString(schemaFile));
      // Helm validates with its own draft; the dialect URI some charts declare
      // ("http://json-schema.org/schema#") is not one a validator can resolve offline.
      schema.remove("$schema");
      return messages(REGISTRY.getSchema(schema), values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CRDs in a folder, by "group/version/Kind", each as a strict JSON schema. */
  public static Map<String, Schema> crdSchemas(Path folder) {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document :
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
          if (!(document instanceof Map<?, ?> crd)
              || !"CustomResourceDefinition".equals(crd.get("kind"))) {
            continue;
          }
          JsonNode spec = JSON.valueToTree(crd.get("spec"));
          String group = spec.path("group").asText();
          String kind = spec.path("names").path("kind").asText();
          for (JsonNode version : spec.path("versions")) {
            JsonNode openApi = version.path("schema").path("openAPIV3Schema").deepCopy();
            strict(openApi);
            schemas.put(
                group + "/" + version.path("name").asText() + "/" + kind,
                REGISTRY.getSchema(openApi));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return schemas;
  }

  /**
   * Validates one custom resource against the schema of its apiVersion and kind among SCHEMAS; a
   * resource whose version the CRDs do not serve is a problem too.
   */
  public static List<String> validateResource(
      Map<String, Schema> schemas, Map<String, Object> resource) {
    String apiVersion = String.valueOf(resource.get("apiVersion"));
    String kind = String.valueOf(resource.get("kind"));
    String name = kind + " " + nameOf(resource);
    Schema schema = schemas.get(apiVersion + "/" + kind);
    if (schema == null) {
      return List.of(name + ": no CRD serves " + apiVersion + " " + kind);
    }
    return messages(schema, resource).stream().map(m -> name + ": " + m).toList();
  }

  private static List<String> messages(Schema schema, Map<String, Object> instance) {
    List<String> messages = new ArrayList<>();
    for (Error error : schema.validate(JSON.valueToTree(instance))) {
      messages.add(error.getInstanceLocation() + ": " + error.getMessage());
    }
    return messages;
  }

  /**
   * Closes every object schema that declares properties: the API server prunes (or, with strict
   * field validation, rejects) fields a structural schema does not declare, so a misspelt field
   * would otherwise pass here and vanish there. x-kubernetes-preserve-unknown- fields keeps a map
   * open, as it does in the API server.
   */
  private static void strict(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
        strict(children.next());
      }
    } else if (node != null && node.isArray()) {
      node.forEach(JsonSchemas::strict);
    }
  }

  private static String nameOf(Map<String, Object> resource) {
    return resource.get("metadata") instanceof Map<?, ?> metadata
        ? (metadata.get("namespace") == null ? "" : metadata.get("namespace") + "/")
            + metadata.get("name")
        : "(no metadata)";
  }

  /** Helm's view of a values file: the chart's defaults with ours merged over them. */
  public static Map<String, Object> merged(Map<String, Object> defaults, Map<String, Object> ours) {
    return Charts.merge(defaults, ours);
  }
}
