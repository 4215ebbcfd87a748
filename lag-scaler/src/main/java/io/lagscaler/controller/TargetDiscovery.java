package io.lagscaler.controller;

import io.lagscaler.act.Scaler;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.act.WorkloadSnapshot;
import io.lagscaler.config.AnnotationTargets;
import io.lagscaler.config.ScalerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The targets of one poll: the config's, plus those the workloads of the discovery namespaces
 * declare in annotations (read from the informers' cache, no API request). An explicit target wins
 * over a workload's annotations for the same workload or name, and the conflict is reported. A
 * namespace whose cache is not current keeps the targets last discovered in it: unknown is not "no
 * workloads", so they hold rather than vanish.
 */
final class TargetDiscovery {

  /** The targets to reconcile, and what was wrong with the rest. */
  record Found(List<ScalerConfig.Target> targets, List<ControllerStatus.DiscoveryIssue> issues) {
    Found {
      targets = List.copyOf(targets);
      issues = List.copyOf(issues);
    }
  }

  /** The last valid targets found per namespace, kept while the namespace is unknown. */
  private final Map<String, List<AnnotationTargets.Valid>> lastFound = new HashMap<>();

  Found find(ScalerConfig config, Scaler scaler) {
    ScalerConfig.Discovery discovery = config.discovery();
    lastFound.keySet().retainAll(discovery.namespaces());
    if (!discovery.enabled()) {
      return new Found(config.targets(), List.of());
    }
    Map<WorkloadRef, ScalerConfig.Target> explicitByWorkload = new HashMap<>();
    Map<String, ScalerConfig.Target> explicitByName = new HashMap<>();
    config
        .targets()
        .forEach(
            t -> {
              explicitByWorkload.put(t.workload(), t);
              explicitByName.put(t.name(), t);
            });
    List<ScalerConfig.Target> targets = new ArrayList<>(config.targets());
    List<ControllerStatus.DiscoveryIssue> issues = new ArrayList<>();
    for (String namespace : discovery.namespaces()) {
      Optional<List<WorkloadSnapshot>> workloads = scaler.workloads(namespace);
      List<AnnotationTargets.Valid> valid;
      if (workloads.isEmpty()) {
        valid = lastFound.getOrDefault(namespace, List.of());
      } else {
        valid = new ArrayList<>();
        for (WorkloadSnapshot w : workloads.get()) {
          if (!discovery.selector().matches(w.labels())) {
            continue;
          }
          switch (AnnotationTargets.parse(
              w.ref(), w.annotations(), discovery.defaults(), config.kafkaClusters())) {
            case AnnotationTargets.NotOptedIn n -> {}
            case AnnotationTargets.Invalid invalid ->
                issues.add(
                    new ControllerStatus.DiscoveryIssue(
                        w.ref(),
                        ControllerStatus.DiscoveryIssue.Kind.INVALID_ANNOTATIONS,
                        invalid.message()));
            case AnnotationTargets.Valid v -> valid.add(v);
          }
        }
        lastFound.put(namespace, List.copyOf(valid));
      }
      for (AnnotationTargets.Valid v : valid) {
        ScalerConfig.Target t = v.target();
        ScalerConfig.Target explicit = explicitByWorkload.get(t.workload());
        if (explicit == null) {
          explicit = explicitByName.get(t.name());
        }
        if (explicit != null) {
          issues.add(
              new ControllerStatus.DiscoveryIssue(
                  t.workload(),
                  ControllerStatus.DiscoveryIssue.Kind.EXPLICIT_TARGET_WINS,
                  t.workload()
                      + " declares a target in its annotations, but the config's target '"
                      + explicit.name()
                      + "' already scales it: the config's target wins, the annotations are"
                      + " ignored"));
          continue;
        }
        targets.add(t);
      }
    }
    return new Found(targets, issues);
  }
}
