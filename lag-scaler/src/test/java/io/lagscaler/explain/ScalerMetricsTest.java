package io.lagscaler.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.Offset;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.observe.PartitionOffsets;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ScalerMetricsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Poll poll(Instant at, long logEnd, long committed, boolean failB) {
    Map<String, GroupOffsets> groups = new LinkedHashMap<>();
    groups.put(
        "a",
        new GroupOffsets.Read(
            "a",
            GroupState.STABLE,
            2,
            GroupProtocol.CONSUMER,
            List.of(
                new PartitionOffsets(
                    new PartitionKey("orders", 0),
                    Offset.known(committed),
                    Offset.known(logEnd),
                    Offset.known(0)))));
    groups.put(
        "b",
        failB
            ? new GroupOffsets.Failed("b", "timed out")
            : new GroupOffsets.Read("b", GroupState.EMPTY, 0, GroupProtocol.CLASSIC, List.of()));
    return new Poll(at, groups, new Poll.PollStats(Duration.ofMillis(12), 7, 1, 1, 1));
  }

  private static String scrape(boolean partitionMetrics, boolean failB) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScalerMetrics metrics = new ScalerMetrics(registry, partitionMetrics);
    SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
    List<GroupQuery> queries = List.of(GroupQuery.of("a"), GroupQuery.of("b"));
    Poll first = poll(T0, 1000, 900, false);
    metrics.record(first, tracker.update(first, queries));
    Poll second = poll(T0.plusSeconds(10), 2000, 1500, failB);
    Map<String, GroupSignals> signals = tracker.update(second, queries);
    metrics.record(second, signals);
    return registry.scrape();
  }

  @Test
  void groupSignalsArePublishedUnderLagscalerNames() {
    String text = scrape(false, false);
    assertThat(text)
        .contains("lagscaler_group_lag_messages{group=\"a\"} 500.0")
        .contains("lagscaler_group_production_messages_per_second{group=\"a\"} 100.0")
        .contains("lagscaler_group_consumption_messages_per_second{group=\"a\"} 60.0")
        .contains("lagscaler_group_members{group=\"a\"} 2.0")
        .contains("lagscaler_group_up{group=\"a\"} 1.0")
        .contains("lagscaler_group_info{group=\"a\",protocol=\"CONSUMER\",state=\"STABLE\"} 1\n")
        .contains("lagscaler_group_partitions{group=\"a\",status=\"FALLING_BEHIND\"} 1.0")
        .contains("lagscaler_poll_duration_seconds_count 2")
        .contains("lagscaler_poll_last_broker_requests 7.0")
        .contains("lagscaler_polls_total 2.0")
        .contains("lagscaler_poll_group_reads_total{outcome=\"read\"} 4.0")
        .matches(
            Pattern.compile("(?s).*lagscaler_group_time_lag_seconds\\{group=\"a\"} [0-9.]+.*"));
    assertThat(text).doesNotContain("lagscaler_partition_lag_messages{");
  }

  @Test
  void aFailedGroupIsDownAndItsLagIsAbsentNotZero() {
    String text = scrape(false, true);
    assertThat(text)
        .contains("lagscaler_group_up{group=\"b\"} 0.0")
        .doesNotContain("lagscaler_group_lag_messages{group=\"b\"}")
        .contains("lagscaler_poll_group_reads_total{outcome=\"failed\"} 1.0");
  }

  @Test
  void perPartitionSeriesOnlyWhenAskedFor() {
    assertThat(scrape(true, false))
        .contains(
            "lagscaler_partition_lag_messages{group=\"a\",partition=\"0\",topic=\"orders\"} 500.0");
  }

  @Test
  void eachTargetPublishesItsGroupTimeLagTargetAndReplicaBoundsUntilItLeavesTheConfig() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScalerMetrics metrics = new ScalerMetrics(registry, false);
    metrics.targets(
        List.of(
            new ScalerMetrics.TargetLimits("totals", "store-totals", Duration.ofSeconds(20), 1, 6),
            new ScalerMetrics.TargetLimits(
                "graph", "purchase-graph", Duration.ofMillis(1500), 0, 3)));
    metrics.targetReplicas("totals", 2, 2, 1, 3);
    metrics.endPoll();
    assertThat(registry.scrape())
        .contains(
            "lagscaler_target_time_lag_target_seconds{group=\"store-totals\",target=\"totals\"} 20.0")
        .contains(
            "lagscaler_target_time_lag_target_seconds{group=\"purchase-graph\",target=\"graph\"} 1.5")
        .contains("lagscaler_target_replicas{kind=\"max\",target=\"totals\"} 6.0")
        .contains("lagscaler_target_replicas{kind=\"min\",target=\"graph\"} 0.0")
        .contains("lagscaler_target_replicas{kind=\"decided\",target=\"totals\"} 3.0")
        // Counters start at 0, so increase() sees a target's first scale event and first error.
        .contains("lagscaler_scale_events_total{direction=\"up\",target=\"totals\"} 0.0")
        .contains("lagscaler_scale_errors_total{kind=\"CONFLICT\",target=\"graph\"} 0.0")
        .contains("lagscaler_scale_errors_total{kind=\"INTERNAL\",target=\"totals\"} 0.0");
    metrics.scaleEvent("totals", true);
    assertThat(registry.scrape())
        .contains("lagscaler_scale_events_total{direction=\"up\",target=\"totals\"} 1.0");

    metrics.targets(
        List.of(
            new ScalerMetrics.TargetLimits(
                "graph", "purchase-graph", Duration.ofSeconds(30), 0, 3)));
    assertThat(registry.scrape())
        .doesNotContain("target=\"totals\"")
        .contains(
            "lagscaler_target_time_lag_target_seconds{group=\"purchase-graph\",target=\"graph\"} 30.0");
  }

  @Test
  void everyPublishedMetricIsDocumentedInDocsMetrics() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "metrics.md"));
    Matcher names = Pattern.compile("(?m)^# TYPE (lagscaler_[a-z_]+) ").matcher(scrape(true, true));
    int checked = 0;
    while (names.find()) {
      String name = names.group(1).replaceAll("_(total|count|sum|max|bucket)$", "");
      assertThat(doc).as("docs/metrics.md documents " + name).contains("`" + name);
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
  }
}
