package io.lagscaler.platform.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import io.lagscaler.platform.cfn.AwsServiceSpec.Property;
import io.lagscaler.platform.cfn.AwsServiceSpec.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline checks of a CloudFormation template and of the nested templates it names by local path,
 * against the AWS resource specification. What {@code aws cloudformation deploy} would reject late
 * (or, for unused parameters and missing cost tags, never) is found here, each problem naming the
 * file and the path inside it.
 *
 * <p>Checks: top-level sections; resource types exist; property names (also inside nested property
 * types) and required properties; objects, lists and scalars where the specification wants them;
 * every {@code Ref} and {@code Fn::Sub} variable names a parameter, resource, pseudo parameter or
 * local variable; every {@code Fn::GetAtt} attribute exists (for nested stacks: the child's
 * outputs); {@code Fn::If}, resource and output conditions exist; a conditional resource is only
 * referenced under the same condition or inside {@code Fn::If}; every parameter and condition is
 * used; defaults are among the allowed values; every output has a value that resolves; nested
 * stacks get exactly parameters the child declares and every child parameter without a default;
 * every taggable resource carries the cost-allocation tags; the console's parameter groups name
 * only declared parameters.
 */
public final class TemplateValidator {

  /** One thing wrong, located by file and path inside it. */
  public record Problem(String file, String path, String message) {
    @Override
    public String toString() {
      return file + ": " + path + ": " + message;
    }
  }

  /** Every problem found, and every template file that was reached from the root. */
  public record Report(List<Problem> problems, Set<Path> templates) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId",
          "AWS::NotificationARNs",
          "AWS::NoValue",
          "AWS::Partition",
          "AWS::Region",
          "AWS::StackId",
          "AWS::StackName",
          "AWS::URLSuffix");

  private static final Set<String> SECTIONS =
      Set.of(
          "AWSTemplateFormatVersion",
          "Description",
          "Metadata",
          "Parameters",
          "Rules",
          "Mappings",
          "Conditions",
          "Transform",
          "Resources",
          "Outputs");

  private static final Set<String> RESOURCE_KEYS =
      Set.of(
          "Type",
          "Properties",
          "DependsOn",
          "Condition",
          "DeletionPolicy",
          "UpdateReplacePolicy",
          "Metadata",
          "CreationPolicy",
          "UpdatePolicy");

  private static final Set<String> FUNCTIONS =
      Set.of(
          "Ref",
          "Fn::Base64",
          "Fn::Cidr",
          "Fn::FindInMap",
          "Fn::GetAtt",
          "Fn::GetAZs",
          "Fn::ImportValue",
          "Fn::Join",
          "Fn::Length",
          "Fn::Select",
          "Fn::Split",
          "Fn::Sub",
          "Fn::ToJsonString",
          "Fn::Transform",
          "Fn::If",
          "Fn::Equals",
          "Fn::Not",
          "Fn::And",
          "Fn::Or");

  private static final Set<String> PARAMETER_TYPES =
      Set.of("String", "Number", "List<Number>", "CommaDelimitedList");

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private final AwsServiceSpec spec;
  private final List<String> costAllocationTags;

  public TemplateValidator(AwsServiceSpec spec, List<String> costAllocationTags) {
    this.spec = spec;
    this.costAllocationTags = List.copyOf(costAllocationTags);
  }

  /** Validates the template and, recursively, the nested templates it names by local path. */
  public Report validate(Path root) {
    Run run = new Run(root.toAbsolutePath().normalize().getParent());
    run.template(root.toAbsolutePath().normalize());
    return new Report(List.copyOf(run.problems), Set.copyOf(run.templates.keySet()));
  }

  /** The state of one validation: templates parsed so far and the problems found. */
  private final class Run {
    private final Path base;
    private final Map<Path, Map<String, Object>> templates = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    Run(Path base) {
      this.base = base;
    }

    /** Parses and checks a template once; returns it, or null when it cannot be parsed. */
    Map<String, Object> template(Path file) {
      if (templates.containsKey(file)) {
        return templates.get(file);
      }
      Map<String, Object> template;
      try {
        template = CfnYaml.load(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        problems.add(new Problem(label(file), "(document)", "does not parse: " + e.getMessage()));
        templates.put(file, null);
        return null;
      }
      templates.put(file, template);
      new TemplateCheck(this, file, template).run();
      return template;
    }

    String label(Path file) {
      return base.relativize(file).toString();
    }
  }

  /** Checks of one template. */
  private final class TemplateCheck {
    private final Run run;
    private final Path file;
    private final Map<String, Object> template;
    private final String label;
    private final Map<String, Object> parameters;
    private final Map<String, Object> resources;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final Map<String, Object> outputs;
    private final Set<String> usedParameters = new HashSet<>();
    private final Set<String> usedConditions = new HashSet<>();

    TemplateCheck(Run run, Path file, Map<String, Object> template) {
      this.run = run;
      this.template = template;
      this.file = file;
      this.label = run.label(file);
      for (String section : template.keySet()) {
        if (!SECTIONS.contains(section)) {
          problem(section, "unknown top-level section (allowed: " + new TreeSet<>(SECTIONS) + ")");
        }
      }
      this.parameters = section(template, "Parameters");
      this.resources = section(template, "Resources");
      this.conditions = section(template, "Conditions");
      this.mappings = section(template, "Mappings");
      this.outputs = section(template, "Outputs");
      if (resources.isEmpty()) {
        problem("Resources", "a template needs at least one resource");
      }
    }

    void run() {
      parameterGroups();
      conditions.forEach((name, body) -> condition(body, "Conditions." + name));
      resources.forEach((name, body) -> resource(name, body));
      outputs.forEach((name, body) -> output(name, body));
      parameters.forEach((name, body) -> parameter(name, body));
      for (String name : conditions.keySet()) {
        if (!usedConditions.contains(name)) {
          problem("Conditions." + name, "condition " + name + " is never used");
        }
      }
    }

    /** The console's parameter groups may only name declared parameters. */
    private void parameterGroups() {
      if (!(template.get("Metadata") instanceof Map<?, ?> metadata)
          || !(metadata.get("AWS::CloudFormation::Interface") instanceof Map<?, ?> ui)
          || !(ui.get("ParameterGroups") instanceof List<?> groups)) {
        return;
      }
      for (int i = 0; i < groups.size(); i++) {
        if (groups.get(i) instanceof Map<?, ?> group
            && group.get("Parameters") instanceof List<?> names) {
          for (Object name : names) {
            if (!parameters.containsKey(String.valueOf(name))) {
              problem(
                  "Metadata.AWS::CloudFormation::Interface.ParameterGroups[" + i + "]",
                  "names parameter " + name + ", which is not declared");
            }
          }
        }
      }
    }

    private Map<String, Object> section(Map<String, Object> template, String name) {
      Object section = template.get(name);
      if (section == null) {
        return Map.of();
      }
      if (section instanceof Map<?, ?> map) {
        return stringKeys(map);
      }
      problem(name, "must be a mapping");
      return Map.of();
    }

    private void problem(String path, String message) {
      run.problems.add(new Problem(label, path, message));
    }

    // ---- parameters, conditions, outputs ----

    private void parameter(String name, Object body) {
      String path = "Parameters." + name;
      if (!(body instanceof Map<?, ?> map)) {
        problem(path, "must be a mapping with a Type");
        return;
      }
      Object type = map.get("Type");
      if (!(type instanceof String typeName)
          || !(PARAMETER_TYPES.contains(typeName)
              || typeName.startsWith("AWS::")
              || typeName.startsWith("List<AWS::"))) {
        problem(path + ".Type", "unknown parameter type " + type);
      }
      if (map.get("AllowedValues") instanceof List<?> allowed && map.containsKey("Default")) {
        String defaultValue = String.valueOf(map.get("Default"));
        if (allowed.stream().map(String::valueOf).noneMatch(defaultValue::equals)) {
          problem(
              path + ".Default", "default " + defaultValue + " is not in AllowedValues " + allowed);
        }
      }
      if (!usedParameters.contains(name)) {
        problem(path, "parameter " + name + " is never used (no Ref or Fn::Sub names it)");
      }
    }

    private void condition(Object body, String path) {
      if (body instanceof Map<?, ?> map && map.size() == 1) {
        Map.Entry<?, ?> entry = map.entrySet().iterator().next();
        String key = String.valueOf(entry.getKey());
        Object argument = entry.getValue();
        switch (key) {
          case "Condition" -> conditionName(argument, path + ".Condition");
          case "Fn::Equals" -> {
            if (!(argument instanceof List<?> list) || list.size() != 2) {
              problem(path + ".Fn::Equals", "takes a list of two values");
            } else {
              value(argument, path + ".Fn::Equals", Scope.TOP);
            }
          }
          case "Fn::Not", "Fn::And", "Fn::Or" -> {
            if (!(argument instanceof List<?> list)) {
              problem(path + "." + key, "takes a list of conditions");
            } else {
              for (int i = 0; i < list.size(); i++) {
                condition(list.get(i), path + "." + key + "[" + i + "]");
              }
            }
          }
          default ->
              problem(
                  path, key + " cannot be used in a condition (Fn::Equals/Not/And/Or, Condition)");
        }
      } else {
        problem(path, "a condition must be one of Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition");
      }
    }

    private void conditionName(Object name, String path) {
      if (name instanceof String condition && conditions.containsKey(condition)) {
        usedConditions.add(condition);
      } else {
        problem(path, "condition " + name + " is not declared in Conditions");
      }
    }

    private void output(String name, Object body) {
      String path = "Outputs." + name;
      if (!(body instanceof Map<?, ?> map) || !map.containsKey("Value")) {
        problem(path, "an output needs a Value");
        return;
      }
      String condition = null;
      if (map.containsKey("Condition")) {
        conditionName(map.get("Condition"), path + ".Condition");
        condition = String.valueOf(map.get("Condition"));
      }
      Scope scope = new Scope(condition, false, Set.of());
      value(map.get("Value"), path + ".Value", scope);
      if (map.get("Export") instanceof Map<?, ?> export) {
        value(export.get("Name"), path + ".Export.Name", scope);
      }
    }

    // ---- resources ----

    private void resource(String name, Object body) {
      String path = "Resources." + name;
      if (!(body instanceof Map<?, ?> raw)) {
        problem(path, "a resource must be a mapping with a Type");
        return;
      }
      Map<String, Object> resource = stringKeys(raw);
      for (String key : resource.keySet()) {
        if (!RESOURCE_KEYS.contains(key)) {
          problem(
              path + "." + key,
              "unknown resource attribute (allowed: " + new TreeSet<>(RESOURCE_KEYS) + ")");
        }
      }
      String condition = null;
      if (resource.containsKey("Condition")) {
        conditionName(resource.get("Condition"), path + ".Condition");
        condition = String.valueOf(resource.get("Condition"));
      }
      Object dependsOn = resource.get("DependsOn");
      List<?> dependencies =
          dependsOn == null ? List.of() : dependsOn instanceof List<?> l ? l : List.of(dependsOn);
      for (Object dependency : dependencies) {
        if (!resources.containsKey(String.valueOf(dependency))) {
          problem(
              path + ".DependsOn", "DependsOn names " + dependency + ", which is not a resource");
        }
      }
      Object typeValue = resource.get("Type");
      if (!(typeValue instanceof String type)) {
        problem(path + ".Type", "a resource needs a Type");
        return;
      }
      Object propertiesValue = resource.getOrDefault("Properties", Map.of());
      Map<String, Object> properties =
          propertiesValue instanceof Map<?, ?> m ? stringKeys(m) : Map.of();
      Scope scope = new Scope(condition, false, Set.of());
      value(properties, path + ".Properties", scope);
      if (type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource")) {
        return;
      }
      ResourceType resourceType = spec.resource(type).orElse(null);
      if (resourceType == null) {
        problem(
            path + ".Type",
            "resource type "
                + type
                + " does not exist in "
                + AwsServiceSpec.PACKAGE
                + " "
                + spec.version());
        return;
      }
      objectProperties(properties, resourceType.properties(), path + ".Properties", type);
      costTags(resourceType, properties, path);
      if (type.equals("AWS::CloudFormation::Stack")) {
        nestedStack(properties, path);
      }
    }

    private void costTags(ResourceType type, Map<String, Object> properties, String path) {
      if (type.tagProperty().isEmpty() || costAllocationTags.isEmpty()) {
        return;
      }
      String tagProperty = type.tagProperty().get();
      Set<String> keys = new HashSet<>();
      Object tags = properties.get(tagProperty);
      if (tags instanceof List<?> list) {
        for (Object tag : list) {
          if (tag instanceof Map<?, ?> map && map.get("Key") instanceof String key) {
            keys.add(key);
          }
        }
      } else if (tags instanceof Map<?, ?> map && !isIntrinsic(map)) {
        map.keySet().forEach(key -> keys.add(String.valueOf(key)));
      }
      List<String> missing = costAllocationTags.stream().filter(t -> !keys.contains(t)).toList();
      if (!missing.isEmpty()) {
        problem(
            path + ".Properties." + tagProperty,
            type.name() + " can be tagged but lacks the cost-allocation tags " + missing);
      }
    }

    private void nestedStack(Map<String, Object> properties, String path) {
      Path child = childTemplate(properties, path);
      if (child == null) {
        return;
      }
      Map<String, Object> childTemplate = run.template(child);
      if (childTemplate == null) {
        return;
      }
      Map<String, Object> childParameters =
          childTemplate.get("Parameters") instanceof Map<?, ?> m ? stringKeys(m) : Map.of();
      Map<String, Object> passed =
          properties.get("Parameters") instanceof Map<?, ?> m && !isIntrinsic(m)
              ? stringKeys(m)
              : Map.of();
      for (String name : passed.keySet()) {
        if (!childParameters.containsKey(name)) {
          problem(
              path + ".Properties.Parameters." + name,
              "passes " + name + ", which " + run.label(child) + " does not declare");
        }
      }
      childParameters.forEach(
          (name, body) -> {
            boolean hasDefault = body instanceof Map<?, ?> m && m.containsKey("Default");
            if (!hasDefault && !passed.containsKey(name)) {
              problem(
                  path + ".Properties.Parameters",
                  run.label(child) + " needs parameter " + name + " (it has no default)");
            }
          });
    }

    /** The local file a nested stack's TemplateURL names, or null if it is remote or missing. */
    private Path childTemplate(Map<String, Object> properties, String path) {
      Object url = properties.get("TemplateURL");
      if (!(url instanceof String location)) {
        return null;
      }
      if (location.contains("://")) {
        return null; // a remote template cannot be checked offline
      }
      Path child = file.getParent().resolve(location).normalize();
      if (!Files.isRegularFile(child)) {
        problem(
            path + ".Properties.TemplateURL", "nested template " + location + " does not exist");
        return null;
      }
      return child;
    }

    // ---- property shapes against the specification ----

    private void objectProperties(
        Map<String, Object> values, Map<String, Property> spec, String path, String owner) {
      for (Map.Entry<String, Object> entry : values.entrySet()) {
        Property property = spec.get(entry.getKey());
        if (property == null) {
          problem(
              path + "." + entry.getKey(),
              "unknown property "
                  + entry.getKey()
                  + " of "
                  + owner
                  + suggestion(entry.getKey(), spec.keySet()));
        } else {
          typed(
              entry.getValue(),
              property.type(),
              path + "." + entry.getKey(),
              owner + "." + entry.getKey());
        }
      }
      for (Property property : spec.values()) {
        if (property.required() && !values.containsKey(property.name())) {
          problem(path, "required property " + property.name() + " of " + owner + " is missing");
        }
      }
    }

    private void typed(Object value, JsonNode type, String path, String owner) {
      if (value instanceof Map<?, ?> map && isIntrinsic(map)) {
        // Only Fn::If keeps a shape we can follow: check each branch as the value itself.
        if (map.get("Fn::If") instanceof List<?> branches && branches.size() == 3) {
          for (int i = 1; i < 3; i++) {
            Object branch = branches.get(i);
            if (!(branch instanceof Map<?, ?> b && "AWS::NoValue".equals(b.get("Ref")))) {
              typed(branch, type, path + ".Fn::If[" + i + "]", owner);
            }
          }
        }
        return;
      }
      String kind = type.path("type").asText();
      switch (kind) {
        case "json" -> {}
        case "ref" -> {
          if (value instanceof Map<?, ?> map) {
            objectProperties(
                stringKeys(map),
                spec.typeDefinition(type.path("reference").path("$ref").asText()),
                path,
                owner);
          } else {
            problem(path, owner + " must be an object, not " + describe(value));
          }
        }
        case "array" -> {
          if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
              typed(list.get(i), type.path("element"), path + "[" + i + "]", owner);
            }
          } else {
            problem(path, owner + " must be a list, not " + describe(value));
          }
        }
        case "map" -> {
          if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> typed(v, type.path("element"), path + "." + k, owner + "." + k));
          } else {
            problem(path, owner + " must be a mapping, not " + describe(value));
          }
        }
        case "tag" -> {
          if (!(value instanceof Map<?, ?> map) || !map.keySet().equals(Set.of("Key", "Value"))) {
            problem(path, owner + " must be a tag {Key, Value}, not " + describe(value));
          }
        }
        case "union" -> {
          List<List<Problem>> attempts = new ArrayList<>();
          for (JsonNode alternative : type.path("types")) {
            int before = run.problems.size();
            typed(value, alternative, path, owner);
            List<Problem> added =
                new ArrayList<>(run.problems.subList(before, run.problems.size()));
            run.problems.subList(before, run.problems.size()).clear();
            if (added.isEmpty()) {
              return;
            }
            attempts.add(added);
          }
          if (!attempts.isEmpty()) {
            run.problems.addAll(attempts.getFirst());
          }
        }
        default -> {
          if (value instanceof Map<?, ?> || value instanceof List<?>) {
            problem(path, owner + " must be a " + kind + ", not " + describe(value));
          }
        }
      }
    }

    // ---- intrinsic functions and references, anywhere in a value ----

    private void value(Object value, String path, Scope scope) {
      if (value instanceof Map<?, ?> raw) {
        Map<String, Object> map = stringKeys(raw);
        if (isIntrinsic(map)) {
          Map.Entry<String, Object> fn = map.entrySet().iterator().next();
          intrinsic(fn.getKey(), fn.getValue(), path + "." + fn.getKey(), scope);
        } else {
          if (map.size() == 1 && map.keySet().iterator().next().startsWith("Fn::")) {
            problem(path, "unknown intrinsic function " + map.keySet().iterator().next());
          }
          map.forEach((k, v) -> value(v, path + "." + k, scope));
        }
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          value(list.get(i), path + "[" + i + "]", scope);
        }
      }
    }

    private void intrinsic(String fn, Object argument, String path, Scope scope) {
      switch (fn) {
        case "Ref" -> {
          if (argument instanceof String target) {
            reference(target, path, scope);
          } else {
            problem(path, "Ref takes a name, not " + describe(argument));
          }
        }
        case "Fn::GetAtt" -> getAtt(argument, path, scope);
        case "Fn::Sub" -> sub(argument, path, scope);
        case "Fn::If" -> {
          if (argument instanceof List<?> list && list.size() == 3) {
            conditionName(list.get(0), path + "[0]");
            Scope branch = scope.inIf();
            value(list.get(1), path + "[1]", branch);
            value(list.get(2), path + "[2]", branch);
          } else {
            problem(path, "Fn::If takes [condition, value if true, value if false]");
          }
        }
        case "Fn::FindInMap" -> {
          if (argument instanceof List<?> list && list.size() >= 3) {
            if (list.get(0) instanceof String mapName && !mappings.containsKey(mapName)) {
              problem(path + "[0]", "mapping " + mapName + " is not declared in Mappings");
            }
            value(argument, path, scope);
          } else {
            problem(path, "Fn::FindInMap takes [map, top-level key, second-level key]");
          }
        }
        case "Fn::Select" -> {
          if (!(argument instanceof List<?> list) || list.size() != 2) {
            problem(path, "Fn::Select takes [index, list]");
          }
          value(argument, path, scope);
        }
        case "Fn::Join" -> {
          if (!(argument instanceof List<?> list)
              || list.size() != 2
              || !(list.get(0) instanceof String)) {
            problem(path, "Fn::Join takes [delimiter, list]");
          }
          value(argument, path, scope);
        }
        case "Fn::Split" -> {
          if (!(argument instanceof List<?> list)
              || list.size() != 2
              || !(list.get(0) instanceof String)) {
            problem(path, "Fn::Split takes [delimiter, string]");
          }
          value(argument, path, scope);
        }
        case "Fn::Cidr" -> {
          if (!(argument instanceof List<?> list) || list.size() != 3) {
            problem(path, "Fn::Cidr takes [ipBlock, count, cidrBits]");
          }
          value(argument, path, scope);
        }
        case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" -> condition(Map.of(fn, argument), path);
        default -> value(argument, path, scope);
      }
    }

    private void reference(String target, String path, Scope scope) {
      if (scope.locals().contains(target) || PSEUDO_PARAMETERS.contains(target)) {
        return;
      }
      if (parameters.containsKey(target)) {
        usedParameters.add(target);
      } else if (resources.containsKey(target)) {
        conditionalResource(target, path, scope);
      } else {
        problem(path, target + " is not a parameter, resource or pseudo parameter of " + label);
      }
    }

    private void getAtt(Object argument, String path, Scope scope) {
      List<?> parts =
          argument instanceof String s
              ? List.of(
                  s.substring(0, Math.max(0, s.indexOf('.'))), s.substring(s.indexOf('.') + 1))
              : argument instanceof List<?> l ? l : List.of();
      if (parts.size() != 2 || !(parts.get(0) instanceof String resourceName)) {
        problem(path, "Fn::GetAtt takes Resource.Attribute");
        return;
      }
      if (!(parts.get(1) instanceof String attribute)) {
        value(parts.get(1), path + "[1]", scope);
        return;
      }
      attribute(resourceName, attribute, path, scope);
    }

    private void attribute(String resourceName, String attribute, String path, Scope scope) {
      if (!(resources.get(resourceName) instanceof Map<?, ?> resource)) {
        problem(path, "Fn::GetAtt names " + resourceName + ", which is not a resource of " + label);
        return;
      }
      conditionalResource(resourceName, path, scope);
      String type = String.valueOf(resource.get("Type"));
      if (type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource")) {
        return;
      }
      if (type.equals("AWS::CloudFormation::Stack") && attribute.startsWith("Outputs.")) {
        stackOutput(resourceName, resource, attribute.substring("Outputs.".length()), path);
        return;
      }
      spec.resource(type)
          .ifPresent(
              resourceType -> {
                if (!resourceType.attributes().contains(attribute)) {
                  problem(
                      path,
                      resourceName
                          + " ("
                          + type
                          + ") has no attribute "
                          + attribute
                          + " (it has "
                          + new TreeSet<>(resourceType.attributes())
                          + ")");
                }
              });
    }

    private void stackOutput(String stack, Map<?, ?> resource, String output, String path) {
      Map<String, Object> properties =
          resource.get("Properties") instanceof Map<?, ?> m ? stringKeys(m) : Map.of();
      Path child = childTemplate(properties, "Resources." + stack);
      if (child == null) {
        return;
      }
      Map<String, Object> childTemplate = run.template(child);
      if (childTemplate == null) {
        return;
      }
      Map<?, ?> childOutputs = childTemplate.get("Outputs") instanceof Map<?, ?> m ? m : Map.of();
      if (!childOutputs.containsKey(output)) {
        problem(
            path,
            "nested stack "
                + stack
                + " ("
                + run.label(child)
                + ") has no output "
                + output
                + " (it has "
                + new TreeSet<>(stringKeys(childOutputs).keySet())
                + ")");
      }
    }

    /**
     * A resource with a Condition does not exist when it is false: refer to it under the same one.
     */
    private void conditionalResource(String resourceName, String path, Scope scope) {
      if (resources.get(resourceName) instanceof Map<?, ?> resource
          && resource.get("Condition") instanceof String condition
          && !scope.insideIf()
          && !condition.equals(scope.condition())) {
        problem(
            path,
            resourceName
                + " exists only when "
                + condition
                + " holds: refer to it inside Fn::If or under the same Condition");
      }
    }

    private void sub(Object argument, String path, Scope scope) {
      String text;
      Set<String> locals = new HashSet<>(scope.locals());
      if (argument instanceof String s) {
        text = s;
      } else if (argument instanceof List<?> list
          && list.size() == 2
          && list.get(0) instanceof String s
          && list.get(1) instanceof Map<?, ?> variables) {
        text = s;
        stringKeys(variables)
            .forEach(
                (name, v) -> {
                  locals.add(name);
                  value(v, path + "[1]." + name, scope);
                });
      } else {
        problem(path, "Fn::Sub takes a string or [string, {variables}]");
        return;
      }
      Scope inner = new Scope(scope.condition(), scope.insideIf(), locals);
      Matcher matcher = SUB_VARIABLE.matcher(text);
      while (matcher.find()) {
        String variable = matcher.group(1).trim();
        if (variable.startsWith("!")) {
          continue; // ${!Literal} is written out as ${Literal}
        }
        int dot = variable.indexOf('.');
        if (dot > 0
            && !inner.locals().contains(variable)
            && !PSEUDO_PARAMETERS.contains(variable)) {
          attribute(
              variable.substring(0, dot),
              variable.substring(dot + 1),
              path + " ${" + variable + "}",
              inner);
        } else {
          reference(variable, path + " ${" + variable + "}", inner);
        }
      }
    }
  }

  /**
   * Where a value sits: under which resource or output condition, inside an Fn::If, with which
   * Fn::Sub locals.
   */
  private record Scope(String condition, boolean insideIf, Set<String> locals) {
    static final Scope TOP = new Scope(null, false, Set.of());

    Scope inIf() {
      return new Scope(condition, true, locals);
    }
  }

  static boolean isIntrinsic(Map<?, ?> map) {
    if (map.size() != 1) {
      return false;
    }
    Object key = map.keySet().iterator().next();
    return FUNCTIONS.contains(String.valueOf(key));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    return copy;
  }

  private static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case Map<?, ?> m -> "a mapping";
      case List<?> l -> "a list";
      default -> "the scalar '" + value + "'";
    };
  }

  private static String suggestion(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      String a = name.toLowerCase();
      String b = candidate.toLowerCase();
      // A truncated name (MessageRetention for MessageRetentionPeriod) is as close as a typo.
      int distance = a.startsWith(b) || b.startsWith(a) ? 1 : distance(a, b);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best != null && bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
