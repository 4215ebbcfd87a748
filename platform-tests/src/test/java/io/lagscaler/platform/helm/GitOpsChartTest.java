package io.lagscaler.platform.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import com.networknt.schema.Schema;
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.HelmMakefile.PinnedChart;
import io.lagscaler.platform.upstream.JsonSchemas;
import io.lagscaler.platform.upstream.PinnedUpstream;
import io.lagscaler.platform.upstream.Upstream;
import io.lagscaler.platform.upstream.ValuesKeyCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * helm/gitops, the Argo CD app of apps: per environment, Applications valid per Argo CD's CRDs, in
 * sync waves that put every CRD before what needs it, with the same chart pins and values files as
 * the Makefile's imperative path.
 */
class GitOpsChartTest {

  private static Path chart;
  private static HelmMakefile makefile;
  private static Map<String, Schema> argo;

  @TempDir Path scratch;

  @BeforeAll
  static void read() {
    chart = Repo.path("helm/gitops");
    makefile = HelmMakefile.read();
    argo = JsonSchemas.crdSchemas(Upstream.crds("argo-cd-3.4.4"));
  }

  static List<Map<String, Object>> render(String env, Map<String, Object> sets) {
    return Charts.template(
        chart, "gitops", "argocd", chart.resolve("values-" + env + ".yaml"), sets);
  }

  static Map<String, Map<String, Object>> applications(List<Map<String, Object>> manifests) {
    Map<String, Map<String, Object>> apps = new LinkedHashMap<>();
    Manifests.ofKind(manifests, "Application").forEach(a -> apps.put(Manifests.name(a), a));
    return apps;
  }

  static int wave(Map<String, Object> application) {
    return Integer.parseInt(
        String.valueOf(
            Manifests.obj(Manifests.metadata(application).get("annotations"))
                .get("argocd.argoproj.io/sync-wave")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void lintsStrictWithEachEnvironmentsValues(String env) {
    LintResult lint = Charts.lint(chart, chart.resolve("values-" + env + ".yaml"), scratch);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void everyValueIsDocumented() {
    Manifests.assertEveryValueDocumented(chart.resolve("values.yaml"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void everyManifestOfEveryEnvironmentIsValidPerArgoCdsCrdsOrTheKubernetesSchema(String env) {
    List<Map<String, Object>> manifests = new ArrayList<>(render(env, Map.of("bootstrap", "true")));
    manifests.addAll(render(env, Map.of("cluster.nodeAutoscaler", "karpenter")));
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> m : manifests) {
      if (String.valueOf(m.get("apiVersion")).startsWith("argoproj.io/")) {
        problems.addAll(JsonSchemas.validateResource(argo, m));
      } else {
        KubernetesSchemas.validate(m).ifPresent(problems::add);
      }
      assertThat(Manifests.labels(m))
          .as(m.get("kind") + " " + Manifests.name(m))
          .containsEntry("app.kubernetes.io/part-of", "lag-scaler")
          .containsEntry("lag-scaler.io/environment", env)
          .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/managed-by", "helm.sh/chart");
    }
    assertThat(problems).as(env).isEmpty();
    assertThat(manifests).extracting(m -> m.get("kind")).contains("Application", "AppProject");
  }

  @Test
  void theValuesSchemaRejectsAnUnknownAutoscalerAndAnUnpinnedChart() {
    assertThatThrownBy(() -> render("dev", Map.of("cluster.nodeAutoscaler", "kops")))
        .hasMessageContaining("nodeAutoscaler");
    assertThatThrownBy(() -> render("dev", Map.of("charts.redis.version", "latest")))
        .hasMessageContaining("version");
  }

  @Test
  void aMisspeltApplicationFieldFailsTheArgoCdSchema() {
    Map<String, Object> app =
        new LinkedHashMap<>(applications(render("dev", Map.of())).get("platform"));
    Map<String, Object> spec = new LinkedHashMap<>(Manifests.spec(app));
    spec.put("syncPolicyy", Map.of());
    app.put("spec", spec);
    assertThat(JsonSchemas.validateResource(argo, app))
        .singleElement()
        .asString()
        .contains("Application argocd/platform", "syncPolicyy");
  }

  @Test
  void theRootApplicationIsTheEnvironmentsAppOfApps() {
    Map<String, Map<String, Object>> root =
        applications(
            render(
                "prod",
                Map.of(
                    "bootstrap", "true", "cluster.outputs.VpcId", "vpc-0abc", "imageTag", "1a2b")));
    assertThat(root).containsKey("lag-scaler-prod");
    String source = String.valueOf(Manifests.spec(root.get("lag-scaler-prod")).get("source"));
    assertThat(source)
        .contains("path=helm/gitops", "values-prod.yaml")
        .contains("name=cluster.outputs.VpcId, value=vpc-0abc", "name=imageTag, value=1a2b");
    // Argo CD renders the chart without bootstrap: the root manages the children, not itself.
    assertThat(applications(render("prod", Map.of()))).doesNotContainKey("lag-scaler-prod");
  }

  /**
   * Each wave waits for the one before: CRDs first. The monitors need kube-prometheus-stack's CRDs;
   * the Kafka, NodePool and ExternalSecret resources need their operators'.
   */
  @ParameterizedTest
  @ValueSource(strings = {"cluster-autoscaler", "karpenter"})
  void syncWavesPutEveryCrdBeforeWhatNeedsIt(String autoscaler) {
    Map<String, Map<String, Object>> apps =
        applications(render("dev", Map.of("cluster.nodeAutoscaler", autoscaler)));
    Map<String, Integer> waves = new LinkedHashMap<>();
    apps.forEach((name, app) -> waves.put(name, wave(app)));
    int monitoring = waves.get("kube-prometheus-stack");
    assertThat(waves.get("platform")).isLessThan(monitoring);
    Path thirdParty = Repo.path("helm/platform/third-party");
    for (Map.Entry<String, Map<String, Object>> app : apps.entrySet()) {
      String values = valuesFileOf(app.getValue());
      if (values != null
          && !app.getKey().equals("kube-prometheus-stack")
          && PinnedUpstream.turnsOnAMonitor(
              Charts.readYaml(thirdParty.resolve(values + ".yaml")))) {
        assertThat(waves.get(app.getKey())).as(app.getKey()).isGreaterThan(monitoring);
      }
    }
    int resources = waves.get("platform-resources");
    for (String operator :
        List.of(
            "strimzi-kafka-operator",
            "external-secrets",
            autoscaler.equals("karpenter") ? "karpenter" : "cluster-autoscaler")) {
      assertThat(waves.get(operator)).as(operator).isGreaterThan(monitoring).isLessThan(resources);
    }
    for (String store : List.of("redis", "neo4j")) {
      assertThat(waves.get(store)).as(store + " after its ExternalSecret").isGreaterThan(resources);
    }
    assertThat(waves.get("lag-scaler"))
        .isEqualTo(waves.values().stream().max(Integer::compare).get());
    if (autoscaler.equals("karpenter")) {
      assertThat(apps).doesNotContainKeys("cluster-autoscaler", "aws-node-termination-handler");
      assertThat(String.valueOf(Manifests.spec(apps.get("platform-resources")).get("sources")))
          .contains("name=karpenter.enabled, value=true");
    } else {
      assertThat(apps).doesNotContainKey("karpenter");
    }
  }

  @Test
  void chartPinsAndRepositoriesAreTheMakefilesAndEveryParameterIsAKeyOfThePinnedChart() {
    Map<String, Object> values = Charts.readYaml(chart.resolve("values.yaml"));
    Map<String, Object> charts = Manifests.obj(values.get("charts"));
    Map<String, String> repos = new LinkedHashMap<>();
    Matcher add = Pattern.compile("helm repo add (\\S+) (\\S+)").matcher(makefile.text());
    while (add.find()) {
      repos.put(add.group(1), add.group(2));
    }
    ValuesKeyCheck check = new ValuesKeyCheck(PinnedUpstream.FREE_FORM);
    Map<String, Map<String, Object>> apps = applications(render("dev", Map.of()));
    apps.putAll(applications(render("dev", Map.of("cluster.nodeAutoscaler", "karpenter"))));
    List<String> problems = new ArrayList<>();
    for (PinnedChart pin : makefile.pinnedCharts()) {
      if (pin.prefix().equals("ARGO_CD")) {
        continue; // Argo CD itself is installed by make gitops.
      }
      String valuesName = pin.values().getFirst();
      Map<String, Object> ours = Manifests.obj(charts.get(valuesName));
      assertThat(ours).as("helm/gitops charts." + valuesName).isNotNull();
      assertThat(String.valueOf(ours.get("version"))).as(valuesName).isEqualTo(pin.version());
      assertThat(ours.get("chart")).as(valuesName).isEqualTo(pin.name());
      String expectedRepo =
          pin.reference().startsWith("oci://")
              ? pin.reference().substring("oci://".length(), pin.reference().lastIndexOf('/'))
              : repos.get(pin.reference().substring(0, pin.reference().indexOf('/')));
      assertThat(ours.get("repo")).as(valuesName).isEqualTo(expectedRepo);
      Optional<ValuesKeyCheck.Chart> upstream = PinnedUpstream.chart(pin);
      Map<String, Object> app = apps.get(valuesName);
      if (upstream.isEmpty() || app == null) {
        continue;
      }
      for (String name : parameterNames(app)) {
        problems.addAll(
            check.check(
                "helm/gitops " + valuesName, ValuesKeyCheck.fromSetKey(name), upstream.get()));
      }
    }
    assertThat(charts.keySet()).hasSize(makefile.pinnedCharts().size() - 1);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyValuesFileAnApplicationNamesExists() {
    for (String env : List.of("dev", "stage", "prod")) {
      for (Map<String, Object> app : applications(render(env, Map.of())).values()) {
        for (Map<String, Object> source : Manifests.list(Manifests.spec(app).get("sources"))) {
          Map<String, Object> helm = Manifests.obj(source.get("helm"));
          if (helm == null) {
            continue;
          }
          List<String> files = Manifests.strings(helm.get("valueFiles"));
          // The first file must exist; the environment overlay is optional
          // (ignoreMissingValueFiles).
          String first = files.getFirst();
          Path path =
              first.startsWith("$values/")
                  ? Repo.path(first.substring("$values/".length()))
                  : Repo.path(String.valueOf(source.get("path"))).resolve(first);
          assertThat(path).as(env + " " + Manifests.name(app)).isRegularFile();
        }
      }
    }
  }

  @Test
  void theProjectNamesEveryClusterScopedKindWithoutAWildcard() {
    Map<String, Object> project =
        Manifests.ofKind(render("dev", Map.of()), "AppProject").getFirst();
    String spec = String.valueOf(project.get("spec"));
    assertThat(spec).doesNotContain("=*", "'*'");
    assertThat(spec).contains("kind=CustomResourceDefinition", "kind=NodePool");
  }

  // ---- helpers ----

  private static String valuesFileOf(Map<String, Object> app) {
    for (Map<String, Object> source : Manifests.list(Manifests.spec(app).get("sources"))) {
      if (source.get("chart") != null) {
        String first =
            Manifests.strings(Manifests.obj(source.get("helm")).get("valueFiles")).getFirst();
        return Path.of(first).getFileName().toString().replace(".yaml", "");
      }
    }
    return null;
  }

  private static List<String> parameterNames(Map<String, Object> app) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> source : Manifests.list(Manifests.spec(app).get("sources"))) {
      if (source.get("helm") instanceof Map<?, ?> helm) {
        for (Map<String, Object> p : Manifests.list(helm.get("parameters"))) {
          names.add(String.valueOf(p.get("name")));
        }
      }
    }
    return names;
  }
}
