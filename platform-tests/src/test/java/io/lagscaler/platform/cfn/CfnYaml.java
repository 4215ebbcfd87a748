package io.lagscaler.platform.cfn;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads CloudFormation YAML into plain maps, lists and scalars. Every short tag ({@code !Ref x},
 * {@code !GetAtt a.b}, {@code !Sub ...}) becomes the long JSON form ({@code {"Ref": "x"}}, {@code
 * {"Fn::GetAtt": ["a", "b"]}}), so the validator sees one representation whichever way a template
 * was written. SnakeYAML's safe constructor rejects unknown tags, so a misspelt tag fails loudly.
 */
public final class CfnYaml {

  /** Short tag to the long-form key CloudFormation defines for it. */
  public static final Map<String, String> SHORT_TAGS =
      Map.ofEntries(
          Map.entry("!Ref", "Ref"),
          Map.entry("!Condition", "Condition"),
          Map.entry("!Sub", "Fn::Sub"),
          Map.entry("!GetAtt", "Fn::GetAtt"),
          Map.entry("!Join", "Fn::Join"),
          Map.entry("!Select", "Fn::Select"),
          Map.entry("!GetAZs", "Fn::GetAZs"),
          Map.entry("!If", "Fn::If"),
          Map.entry("!Equals", "Fn::Equals"),
          Map.entry("!Not", "Fn::Not"),
          Map.entry("!And", "Fn::And"),
          Map.entry("!Or", "Fn::Or"),
          Map.entry("!FindInMap", "Fn::FindInMap"),
          Map.entry("!Base64", "Fn::Base64"),
          Map.entry("!Split", "Fn::Split"),
          Map.entry("!ImportValue", "Fn::ImportValue"),
          Map.entry("!Cidr", "Fn::Cidr"),
          Map.entry("!Transform", "Fn::Transform"));

  private CfnYaml() {}

  public static Map<String, Object> load(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return asTemplate(newYaml().load(reader), file.toString());
    }
  }

  public static Map<String, Object> parse(String yaml, String name) {
    return asTemplate(newYaml().load(yaml), name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asTemplate(Object loaded, String name) {
    if (!(loaded instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(name + ": a template must be a YAML mapping");
    }
    return (Map<String, Object>) map;
  }

  private static Yaml newYaml() {
    LoaderOptions options = new LoaderOptions();
    // CloudFormation rejects duplicate keys; so must we, or the second silently wins.
    options.setAllowDuplicateKeys(false);
    return new Yaml(new CfnConstructor(options));
  }

  private static final class CfnConstructor extends SafeConstructor {
    CfnConstructor(LoaderOptions options) {
      super(options);
      SHORT_TAGS.forEach(
          (tag, longForm) -> yamlConstructors.put(new Tag(tag), new Short(longForm)));
    }

    private final class Short extends AbstractConstruct {
      private final String longForm;

      Short(String longForm) {
        this.longForm = longForm;
      }

      @Override
      public Object construct(Node node) {
        Object argument =
            switch (node) {
              case ScalarNode scalar -> scalarArgument(scalar);
              case SequenceNode sequence -> new ArrayList<>(constructSequence(sequence));
              case MappingNode mapping -> new LinkedHashMap<>(constructMapping(mapping));
              default -> throw new IllegalArgumentException("unexpected YAML node for " + longForm);
            };
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put(longForm, argument);
        return intrinsic;
      }

      private Object scalarArgument(ScalarNode scalar) {
        String value = constructScalar(scalar);
        // !GetAtt Resource.Attribute.With.Dots: only the first dot separates the resource.
        if (longForm.equals("Fn::GetAtt")) {
          int dot = value.indexOf('.');
          return dot < 0
              ? List.of(value)
              : List.of(value.substring(0, dot), value.substring(dot + 1));
        }
        return value;
      }
    }
  }
}
