package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lagscaler.loadtest.LoadTestMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The group model: assignment, pod start, rebalance pauses, time lag; and the scenario file. */
class SimulationTest {

  static Scenario scenario(
      int partitions,
      double mu,
      int podStart,
      int rebalance,
      int initial,
      int duration,
      double rate) {
    return new Scenario(
        "test",
        partitions,
        mu,
        podStart,
        rebalance,
        initial,
        0,
        64,
        30,
        duration,
        List.of(new Scenario.Point(0, rate)),
        Optional.empty(),
        List.of(),
        new Scenario.Keda(1000, 0, 30, 300),
        List.of(),
        Scenario.Rebalance.EAGER,
        Optional.empty(),
        Optional.empty());
  }

  /** A policy that sets {@code target} replicas at second 0 and never changes them. */
  static Autoscaler fixed(int target) {
    return Autoscaler.holding(target, "fixed");
  }

  @Nested
  class Model {

    @Test
    void theBusiestConsumerLimitsTheGroup() {
      // 12 partitions on 5 consumers: two hold 3 partitions, so the group sustains 12/3 x mu =
      // 400 msg/s, not 5 x mu = 500.
      SimResult under =
          Simulation.run(scenario(12, 100, 0, 0, 5, 600, 390), fixed(5), false).result();
      SimResult over =
          Simulation.run(scenario(12, 100, 0, 0, 5, 600, 440), fixed(5), false).result();
      assertThat(under.maxLag()).isLessThan(100);
      // Each 3-partition consumer gets 110 msg/s against 100 served: 20 msg/s short in all.
      assertThat(over.finalLag()).isCloseTo(6 * 10 * 600 / 3, within(400L));
    }

    @Test
    void newPodsConsumeOnlyAfterStartingAndThePausedRebalance() {
      Simulation.Run run = Simulation.run(scenario(4, 100, 10, 5, 1, 60, 0), fixed(2), true);
      List<Simulation.Row> rows = run.timeline();
      assertThat(rows.get(0).replicas()).isEqualTo(2);
      assertThat(rows.get(9).readyReplicas()).isEqualTo(1);
      assertThat(rows.get(10).readyReplicas()).isEqualTo(2);
      assertThat(run.result().rebalanceSeconds()).isEqualTo(5);
      assertThat(run.result().scalingEvents()).isEqualTo(1);
      assertThat(run.result().replicaSeconds()).isEqualTo(2 * 60);
    }

    @Test
    void aRebalanceStopsAllConsumption() {
      // 1 -> 2 consumers at t=0, rebalance 20 s: 20 s x 100 msg/s pile up before anyone reads.
      SimResult paused =
          Simulation.run(scenario(4, 1000, 0, 20, 1, 21, 100), fixed(2), false).result();
      assertThat(paused.maxLag()).isBetween(1900L, 2100L);
      assertThat(paused.maxLagSeconds()).isCloseTo(20, within(1.0));
    }

    @Test
    void timeLagIsTheAgeOfTheOldestUnconsumedMessage() {
      // Nobody consumes: the first message, produced during second 0, is t seconds old.
      Simulation.Run run = Simulation.run(scenario(3, 100, 0, 0, 0, 100, 30), fixed(0), true);
      assertThat(run.timeline().get(99).timeLagSeconds()).isCloseTo(99.9, within(0.2));
      assertThat(run.result().sloViolationSeconds()).isBetween(69L, 71L);
    }

    @Test
    void isDeterministic() throws Exception {
      Scenario s = Scenario.load(Path.of("scenarios/diurnal.yaml"));
      SimResult a =
          Simulation.run(
                  s, new LagScalerAutoscaler(LagScalerAutoscaler.policyFor(s).build(), "g"), false)
              .result();
      SimResult b =
          Simulation.run(
                  s, new LagScalerAutoscaler(LagScalerAutoscaler.policyFor(s).build(), "g"), false)
              .result();
      assertThat(a).isEqualTo(b);
    }
  }

  @Nested
  class ScenarioFile {

    static final String VALID =
        """
        name: x
        partitions: 6
        replicaServiceRate: 100
        podStartSeconds: 10
        rebalanceSeconds: 5
        initialReplicas: 1
        minReplicas: 1
        maxReplicas: 6
        targetLagSeconds: 30
        durationSeconds: 60
        rate: [{at: 0, rate: 100}, {at: 30, rate: 300}]
        keda: {lagThreshold: 500}
        """;

    @Test
    void readsTheIssueFieldsWithKedaDefaults() {
      Scenario s = Scenario.parse(VALID, "x.yaml");
      assertThat(s.keda()).isEqualTo(new Scenario.Keda(500, 0, 30, 300));
      assertThat(s.rateAt(15)).isEqualTo(200);
      assertThat(s.rateAt(100)).isEqualTo(300);
      assertThat(s.noise()).isEmpty();
    }

    @Test
    void anUnknownFieldIsAnErrorNamingIt() {
      assertThatThrownBy(() -> Scenario.parse(VALID + "replicas: 3\n", "x.yaml"))
          .hasMessageContaining("x.yaml: unknown field replicas");
      assertThatThrownBy(
              () ->
                  Scenario.parse(
                      VALID.replace("{lagThreshold: 500}", "{lagThreshold: 500, lag: 1}"),
                      "x.yaml"))
          .hasMessageContaining("unknown field keda.lag");
      assertThatThrownBy(
              () ->
                  Scenario.parse(
                      VALID.replace("{at: 0, rate: 100}", "{at: 0, rat: 100}"), "x.yaml"))
          .hasMessageContaining("unknown field rate[0].rat");
    }

    @Test
    void aMissingFieldIsAnErrorNamingIt() {
      assertThatThrownBy(() -> Scenario.parse(VALID.replace("partitions: 6\n", ""), "x.yaml"))
          .hasMessageContaining("partitions is required");
    }

    @Test
    void everyShippedScenarioParses() throws Exception {
      List<Path> files = Benchmark.scenarios(Path.of("scenarios"));
      assertThat(files).hasSize(10);
      for (Path f : files) {
        assertThat(Scenario.load(f).name()).as(f.toString()).isNotBlank();
      }
    }
  }

  @Nested
  class Command {

    @TempDir Path dir;

    @Test
    void simulatePrintsOneJsonLineAndWritesTheTimeline() throws Exception {
      Path timeline = dir.resolve("t.csv");
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new LoadTestMain());
      cli.setOut(new PrintWriter(out));
      int code =
          cli.execute(
              "simulate",
              "--scenario",
              "scenarios/few-partitions-3.yaml",
              "--policy",
              "keda",
              "--timeline",
              timeline.toString(),
              "--json");
      assertThat(code).isZero();
      String json = out.toString().strip();
      assertThat(json.lines()).hasSize(1);
      assertThat(json)
          .startsWith("{\"scenario\":\"few-partitions-3\",\"policy\":\"keda\",")
          .contains(
              "\"sloViolationSeconds\":",
              "\"maxLag\":",
              "\"maxLagSeconds\":",
              "\"replicaSeconds\":",
              "\"scalingEvents\":",
              "\"rebalanceSeconds\":",
              "\"finalLag\":",
              "\"oversizedSeconds\":");
      List<String> csv = Files.readAllLines(timeline);
      assertThat(csv.getFirst())
          .isEqualTo("t,rate,lag,timeLagSeconds,replicas,readyReplicas,reason");
      assertThat(csv).hasSize(1 + 1800);
    }

    @Test
    void aBadScenarioIsAnErrorMessageAndExitCode2() throws Exception {
      Path bad = dir.resolve("bad.yaml");
      Files.writeString(bad, "name: x\nbogus: 1\n");
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new LoadTestMain());
      cli.setErr(new PrintWriter(err));
      cli.setOut(new PrintWriter(new StringWriter()));
      assertThat(cli.execute("simulate", "--scenario", bad.toString(), "--policy", "keda"))
          .isEqualTo(2);
      assertThat(err.toString()).startsWith("simulate: ").contains("unknown field bogus");
    }

    @Test
    void configOverridesTheLagScalerPolicyAndRejectsUnknownFields() throws Exception {
      Path config = dir.resolve("p.yaml");
      Files.writeString(
          config, "mode: lag\nlagPerReplica: 1000\nscaleDown: {stabilizationWindowSeconds: 60}\n");
      CommandLine cli = new CommandLine(new LoadTestMain());
      cli.setOut(new PrintWriter(new StringWriter()));
      assertThat(
              cli.execute(
                  "simulate",
                  "--scenario",
                  "scenarios/steady.yaml",
                  "--policy",
                  "lag-scaler",
                  "--config",
                  config.toString()))
          .isZero();
      Files.writeString(config, "lagsPerReplica: 1000\n");
      assertThatThrownBy(
              () ->
                  PolicyConfig.apply(
                      config,
                      LagScalerAutoscaler.policyFor(
                          Scenario.load(Path.of("scenarios/steady.yaml")))))
          .hasMessageContaining("unknown field lagsPerReplica");
    }
  }
}
