package io.lagscaler.loadtest.local;

import io.lagscaler.act.DecisionRecorder;
import io.lagscaler.act.ScaleChange;
import io.lagscaler.act.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains decisions of a local run in the log, where Kubernetes would get an Event, and keeps the
 * changes for the run's report. Annotations have nowhere to go locally: only the last is kept.
 */
public final class LoggingDecisionRecorder implements DecisionRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingDecisionRecorder.class);

  private final List<ScaleChange> changes = new ArrayList<>();
  private final Map<WorkloadRef, ScaleChange> last = new ConcurrentHashMap<>();

  @Override
  public synchronized void recordChange(WorkloadRef workload, ScaleChange change, boolean dryRun) {
    changes.add(change);
    last.put(workload, change);
    LOG.info(
        "{}{}: {} -> {} replicas, {}: {}",
        workload,
        dryRun ? " (dry run)" : "",
        change.from(),
        change.to(),
        change.reason(),
        change.explanation());
  }

  @Override
  public void recordRefusal(WorkloadRef workload, String reason, String message) {
    LOG.warn("{}: refused ({}): {}", workload, reason, message);
  }

  @Override
  public void annotate(WorkloadRef workload, ScaleChange decision) {
    last.put(workload, decision);
  }

  /** The changes recorded so far, oldest first. */
  public synchronized List<ScaleChange> changes() {
    return List.copyOf(changes);
  }

  /** The last decision recorded or annotated for {@code workload}, or null before any. */
  public ScaleChange last(WorkloadRef workload) {
    return last.get(workload);
  }
}
