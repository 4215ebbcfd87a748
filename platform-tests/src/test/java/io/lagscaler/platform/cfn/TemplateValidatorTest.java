package io.lagscaler.platform.cfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator itself: it accepts a correct template and names every mistake of broken ones. */
class TemplateValidatorTest {

  private final TemplateValidator validator =
      new TemplateValidator(AwsServiceSpec.shared(), List.of("Project"));

  @TempDir Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(TemplateValidatorTest.class.getResource("/cfn/" + name).toURI());
  }

  private List<String> problems(Path template) {
    return validator.validate(template).problems().stream().map(Object::toString).toList();
  }

  private List<String> problems(String yaml) throws IOException {
    Path file = dir.resolve("t.yaml");
    Files.writeString(file, yaml);
    return problems(file);
  }

  @Test
  void specificationIsTheWholeAwsCatalogue() {
    AwsServiceSpec spec = AwsServiceSpec.shared();
    assertThat(spec.resourceTypeCount()).isGreaterThan(1500);
    assertThat(spec.resource("AWS::EKS::Nodegroup").orElseThrow().attributes())
        .contains("NodegroupName", "Arn");
    assertThat(spec.resource("AWS::SQS::Queue").orElseThrow().tagProperty()).contains("Tags");
  }

  @Test
  void fetchingTheSpecificationWithoutNpmFailsWithInstallAdvice() {
    assertThatThrownBy(
            () -> AwsServiceSpec.fetch("npm-not-installed-here", "0.1.216", dir.resolve("cache")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("npm-not-installed-here is not installed or not on PATH")
        .hasMessageContaining("install Node.js and npm");
  }

  @Test
  void everyShortTagParsesIntoItsLongForm() {
    String yaml =
        """
        A: !Ref X
        B: !Sub "${X}"
        C: !GetAtt Stack.Outputs.Name
        D: !Join [",", [a, b]]
        E: !Select [0, !GetAZs ""]
        F: !If [C, a, b]
        G: !Equals [a, b]
        H: !Not [!Equals [a, b]]
        I: !And [!Condition C, !Condition D]
        J: !Or [!Condition C, !Condition D]
        K: !FindInMap [M, k1, k2]
        L: !Base64 text
        N: !Split [",", "a,b"]
        O: !ImportValue exported
        P: !Cidr [10.0.0.0/16, 6, 13]
        """;
    Map<String, Object> parsed = CfnYaml.parse(yaml, "tags.yaml");

    assertThat(parsed)
        .containsEntry("A", Map.of("Ref", "X"))
        .containsEntry("B", Map.of("Fn::Sub", "${X}"))
        .containsEntry("C", Map.of("Fn::GetAtt", List.of("Stack", "Outputs.Name")))
        .containsEntry("D", Map.of("Fn::Join", List.of(",", List.of("a", "b"))))
        .containsEntry("E", Map.of("Fn::Select", List.of(0, Map.of("Fn::GetAZs", ""))))
        .containsEntry("F", Map.of("Fn::If", List.of("C", "a", "b")))
        .containsEntry("G", Map.of("Fn::Equals", List.of("a", "b")))
        .containsEntry("H", Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of("a", "b")))))
        .containsEntry(
            "I", Map.of("Fn::And", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))))
        .containsEntry(
            "J", Map.of("Fn::Or", List.of(Map.of("Condition", "C"), Map.of("Condition", "D"))))
        .containsEntry("K", Map.of("Fn::FindInMap", List.of("M", "k1", "k2")))
        .containsEntry("L", Map.of("Fn::Base64", "text"))
        .containsEntry("N", Map.of("Fn::Split", List.of(",", "a,b")))
        .containsEntry("O", Map.of("Fn::ImportValue", "exported"))
        .containsEntry("P", Map.of("Fn::Cidr", List.of("10.0.0.0/16", 6, 13)));
  }

  @Test
  void acceptsACorrectTemplateWithConditionsSubVariablesAndGetAtt() throws Exception {
    assertThat(problems(fixture("valid/queue.yaml"))).isEmpty();
  }

  @Test
  void rejectsBrokenTemplateNamingTheFileAndPathOfEachMistake() throws Exception {
    assertThat(problems(fixture("broken/broken.yaml")))
        .containsExactlyInAnyOrder(
            "broken.yaml: Resources.Queue.Properties.MessageRetention: unknown property"
                + " MessageRetention of AWS::SQS::Queue (did you mean MessageRetentionPeriod?)",
            "broken.yaml: Resources.Rule.Properties.Targets[0].Arn.Fn::GetAtt: Queue"
                + " (AWS::SQS::Queue) has no attribute QueueArn (it has [Arn, QueueName,"
                + " QueueUrl])",
            "broken.yaml: Parameters.Forgotten: parameter Forgotten is never used (no Ref or"
                + " Fn::Sub names it)",
            "broken.yaml: Resources.Role.Properties.RoleName.Fn::Sub ${Missing}: Missing is not a"
                + " parameter, resource or pseudo parameter of broken.yaml",
            "broken.yaml: Resources.Role.Properties: required property AssumeRolePolicyDocument"
                + " of AWS::IAM::Role is missing",
            "broken.yaml: Resources.Role.Properties.Tags: AWS::IAM::Role can be tagged but lacks"
                + " the cost-allocation tags [Project]",
            "broken.yaml: Resources.Bucket.Type: resource type AWS::S3::Bucketz does not exist in"
                + " @aws-cdk/aws-service-spec "
                + AwsServiceSpec.shared().version(),
            "broken.yaml: Outputs.QueueUrl.Value.Ref: Queueu is not a parameter, resource or"
                + " pseudo parameter of broken.yaml");
  }

  @Test
  void rejectsNestedStackParametersTheChildDoesNotDeclareAndOutputsItDoesNotHave()
      throws Exception {
    TemplateValidator.Report report = validator.validate(fixture("nested/parent.yaml"));

    assertThat(report.templates()).hasSize(2);
    assertThat(report.problems().stream().map(Object::toString))
        .containsExactlyInAnyOrder(
            "parent.yaml: Resources.Child.Properties.Parameters.Colour: passes Colour, which"
                + " child.yaml does not declare",
            "parent.yaml: Resources.Child.Properties.Parameters: child.yaml needs parameter"
                + " QueueName (it has no default)",
            "parent.yaml: Outputs.QueueUrl.Value.Fn::GetAtt: nested stack Child (child.yaml) has"
                + " no output QueueUrll (it has [QueueArn, QueueUrl])");
  }

  @Test
  void rejectsAConditionalResourceReferencedOutsideItsCondition() throws IOException {
    assertThat(
            problems(
                """
                Parameters:
                  Enabled: { Type: String, AllowedValues: ["true", "false"], Default: "false" }
                Conditions:
                  IsEnabled: !Equals [!Ref Enabled, "true"]
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    Condition: IsEnabled
                    Properties: { Tags: [{ Key: Project, Value: x }] }
                Outputs:
                  QueueArn:
                    Value: !GetAtt Queue.Arn
                """))
        .containsExactly(
            "t.yaml: Outputs.QueueArn.Value.Fn::GetAtt: Queue exists only when IsEnabled holds:"
                + " refer to it inside Fn::If or under the same Condition");
  }

  @Test
  void rejectsWrongShapesUnknownConditionsAndDefaultsOutsideAllowedValues() throws IOException {
    assertThat(
            problems(
                """
                Metadata:
                  AWS::CloudFormation::Interface:
                    ParameterGroups:
                      - { Label: { default: Main }, Parameters: [Mode, Mood] }
                Parameters:
                  Mode: { Type: String, AllowedValues: [a, b], Default: c }
                Conditions:
                  Unused: !Equals [!Ref Mode, a]
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    DependsOn: Nothing
                    Properties:
                      Tags: { Key: Project, Value: x }
                      QueueName: !If [NoSuchCondition, a, b]
                """))
        .containsExactlyInAnyOrder(
            "t.yaml: Parameters.Mode.Default: default c is not in AllowedValues [a, b]",
            "t.yaml: Metadata.AWS::CloudFormation::Interface.ParameterGroups[0]: names parameter"
                + " Mood, which is not declared",
            "t.yaml: Conditions.Unused: condition Unused is never used",
            "t.yaml: Resources.Queue.DependsOn: DependsOn names Nothing, which is not a resource",
            "t.yaml: Resources.Queue.Properties.Tags: AWS::SQS::Queue.Tags must be a list, not a"
                + " mapping",
            "t.yaml: Resources.Queue.Properties.Tags: AWS::SQS::Queue can be tagged but lacks the"
                + " cost-allocation tags [Project]",
            "t.yaml: Resources.Queue.Properties.QueueName.Fn::If[0]: condition NoSuchCondition is"
                + " not declared in Conditions");
  }

  @Test
  void reportsATemplateThatDoesNotParseInsteadOfSkippingIt() throws IOException {
    assertThat(problems("Resources:\n  Q:\n    Type: !Reff AWS::SQS::Queue\n"))
        .singleElement()
        .asString()
        .startsWith("t.yaml: (document): does not parse:")
        .contains("!Reff");
  }
}
