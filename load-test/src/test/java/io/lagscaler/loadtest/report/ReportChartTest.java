package io.lagscaler.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.LoadTotals;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportChartTest {

  @Test
  void theTimeAxisIsLabelledAtRoundSecondsWithTenLabelsAtMost() {
    assertThat(Report.labelStep(30)).isEqualTo(5);
    assertThat(Report.labelStep(90)).isEqualTo(10);
    assertThat(Report.labelStep(150)).isEqualTo(15);
    assertThat(Report.labelStep(300)).isEqualTo(30);
    assertThat(Report.labelStep(600)).isEqualTo(60);
    assertThat(Report.labelStep(3600)).isEqualTo(600);
  }

  @Test
  void aCompareChartWithLabelledScaleEventsIsDrawn(@TempDir Path dir) throws Exception {
    List<RunResult> runs =
        List.of(run("lag-scaler", 65, 6, "MAX_REPLICAS"), run("keda", 75, 3, "KEDA_HPA"));
    Path png = dir.resolve("timeline.png");

    Report.chart(png, runs);

    var image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1100);
    assertThat(image.getHeight()).isEqualTo(3 * 330);
  }

  @Test
  void aRunOfAFewSecondsWithUnmeasuredPanelsIsDrawn(@TempDir Path dir) throws Exception {
    // Labels at 0 and 5 only: the unlabelled ticks between them once broke XChart's text layout.
    RunResult shortRun = run("unobserved", 99, 1, "", 4);
    Path png = dir.resolve("timeline.png");

    Report.chart(png, List.of(shortRun));

    assertThat(ImageIO.read(png.toFile()).getHeight()).isEqualTo(3 * 330);
  }

  private static RunResult run(String policy, int upAt, int to, String reason) {
    return run(policy, upAt, to, reason, 300);
  }

  private static RunResult run(String policy, int upAt, int to, String reason, int seconds) {
    List<Sample> samples = new ArrayList<>();
    for (int t = 1; t <= seconds; t++) {
      samples.add(
          new Sample(
              t,
              15,
              15,
              OptionalDouble.of(15),
              OptionalLong.of(0),
              OptionalDouble.of(0),
              OptionalInt.of(t >= upAt ? to : 1),
              OptionalInt.of(t >= upAt + 10 ? to : 1),
              reason));
    }
    return new RunResult(
        policy,
        "spike",
        "t",
        "d",
        Duration.ofSeconds(15),
        Map.of(),
        samples,
        upAt <= seconds ? List.of(new Event(upAt, 1, to, reason, "x")) : List.of(),
        new LoadTotals("intake", 4500, 4500, 4500, Map.of(), 0, 0, 0),
        OptionalLong.of(4500));
  }
}
