package io.lagscaler.platform.upstream;

import io.lagscaler.platform.helm.HelmMakefile.PinnedChart;
import io.lagscaler.platform.upstream.ValuesKeyCheck.FreeForm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the upstream-values check knows about the pinned charts beyond their values files: the
 * free-form maps, the subcharts, and the charts whose pinned version has no upstream data.
 */
public final class PinnedUpstream {

  private PinnedUpstream() {}

  /**
   * Maps the charts pass through without defining their keys. Kubernetes objects (a pod's
   * nodeSelector, resources, affinity) and free-form settings (command-line flags, config files).
   */
  public static final List<FreeForm> FREE_FORM =
      List.of(
          new FreeForm("*", "*.annotations", "Kubernetes annotations"),
          new FreeForm("*", "*.labels", "Kubernetes labels"),
          new FreeForm("*", "*.podAnnotations", "Kubernetes annotations"),
          new FreeForm("*", "*.podLabels", "Kubernetes labels"),
          new FreeForm("*", "*.commonLabels", "Kubernetes labels"),
          new FreeForm("*", "*.nodeSelector", "a pod's nodeSelector"),
          new FreeForm("*", "*.resources", "a container's ResourceRequirements"),
          new FreeForm("*", "*.affinity", "a pod's Affinity"),
          new FreeForm("*", "*.nodeAffinity", "a pod's NodeAffinity"),
          new FreeForm("*", "*.extraArgs", "command-line flags, passed as --key=value"),
          new FreeForm("neo4j", "config", "neo4j.conf settings"),
          new FreeForm(
              "kube-prometheus-stack",
              "prometheus.prometheusSpec.storageSpec",
              "the Prometheus CR's StorageSpec"),
          new FreeForm(
              "kube-prometheus-stack",
              "alertmanager.alertmanagerSpec.storage",
              "the Alertmanager CR's StorageSpec"),
          new FreeForm("argo-cd", "configs.cm", "argocd-cm ConfigMap entries"),
          new FreeForm("argo-cd", "configs.cm", "argocd-cm entries"),
          new FreeForm("argo-cd", "configs.params", "argocd-cmd-params-cm entries"),
          new FreeForm(
              "velero", "configuration.backupStorageLocation", "BackupStorageLocation specs"),
          new FreeForm(
              "velero", "configuration.volumeSnapshotLocation", "VolumeSnapshotLocation specs"),
          new FreeForm("velero", "schedules", "Schedule specs by name"),
          new FreeForm("karpenter", "settings", "Karpenter's settings (environment variables)"),
          new FreeForm("aws-for-fluent-bit", "cloudWatchLogs", "the CloudWatch output's options"));

  /**
   * Subcharts whose values sit under their name in the parent's values, with the folder of their
   * pinned version: the dependencies of kube-prometheus-stack 79.1.0's Chart.yaml.
   */
  public static final Map<String, Map<String, String>> SUBCHARTS =
      Map.of(
          "kube-prometheus-stack",
          Map.of(
              "grafana", "grafana-10.1.4",
              "kube-state-metrics", "kube-state-metrics-6.3.0",
              "prometheus-node-exporter", "prometheus-node-exporter-4.49.1"));

  /**
   * Charts pinned to a version whose values shared/upstream does not hold, with why the pin stays:
   * reported as unverified, never checked against another version's keys.
   */
  public static final Map<String, String> UNVERIFIED =
      Map.of(
          "neo4j",
          "shared/upstream holds only chart 5.17.0 (the 2025.10.1 chart source could not be had);"
              + " the newer pin stays");

  public static Optional<ValuesKeyCheck.Chart> chart(PinnedChart pin) {
    return chart(pin.name(), pin.version(), SUBCHARTS.getOrDefault(pin.name(), Map.of()));
  }

  public static Optional<ValuesKeyCheck.Chart> chart(
      String name, String version, Map<String, String> subchartFolders) {
    return Upstream.chart(name, version)
        .map(
            folder -> {
              Map<String, Map<String, Object>> subcharts = new LinkedHashMap<>();
              subchartFolders.forEach(
                  (key, sub) ->
                      subcharts.put(
                          key, Upstream.values(Upstream.root().resolve("charts").resolve(sub))));
              return new ValuesKeyCheck.Chart(name, version, Upstream.values(folder), subcharts);
            });
  }

  /** Any serviceMonitor/podMonitor map at any depth with enabled or create true. */
  @SuppressWarnings("unchecked")
  public static boolean turnsOnAMonitor(Map<String, Object> values) {
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (entry.getValue() instanceof Map<?, ?> child) {
        if (entry.getKey().matches("(?i)(service|pod)Monitor")
            && (Boolean.TRUE.equals(child.get("enabled"))
                || Boolean.TRUE.equals(child.get("create")))) {
          return true;
        }
        if (turnsOnAMonitor((Map<String, Object>) child)) {
          return true;
        }
      }
    }
    return false;
  }
}
