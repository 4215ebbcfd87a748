package io.lagscaler.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileTest {

  record Shape(String name, double second, double rate) {}

  static Stream<Arguments> shapesAtTimes() {
    // base 10, peak 100, over 100 s
    return Stream.of(
        Arguments.of("constant is the peak throughout", new Shape("constant", 3, 100)),
        Arguments.of("step is at base before a quarter", new Shape("step", 24, 10)),
        Arguments.of("step is at peak from a quarter", new Shape("step", 25, 100)),
        Arguments.of("ramp starts at base", new Shape("ramp", 0, 10)),
        Arguments.of("ramp peaks in the middle", new Shape("ramp", 50, 100)),
        Arguments.of("ramp is back to base at the end", new Shape("ramp", 100, 10)),
        Arguments.of("spike is at base before it", new Shape("spike", 19, 10)),
        Arguments.of("spike is at peak during it", new Shape("spike", 30, 100)),
        Arguments.of("spike is back at base after it", new Shape("spike", 45, 10)),
        Arguments.of("sine is lowest at the start", new Shape("sine", 0, 10)),
        Arguments.of("diurnal is highest at the middle", new Shape("diurnal", 50, 100)),
        Arguments.of("onoff is off in the first tenth", new Shape("onoff", 5, 10)),
        Arguments.of("onoff is on in the second tenth", new Shape("onoff", 15, 100)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapesAtTimes")
  void builtInShapesMoveBetweenBaseAndPeak(String description, Shape c) {
    Profile p = Profile.of(c.name(), 10, 100, 100);
    assertThat(p.rate(c.second())).isCloseTo(c.rate(), within(1e-9));
  }

  record Replay(List<String> lines, double second, double rate) {}

  static Stream<Arguments> replays() {
    List<String> file = List.of("second,rate", "# a comment", "0,5", "", "10,50", "20.5,0");
    return Stream.of(
        Arguments.of("the first rate holds from 0", new Replay(file, 0, 5)),
        Arguments.of("a rate holds until the next entry", new Replay(file, 9.9, 5)),
        Arguments.of("the next entry takes over at its second", new Replay(file, 10, 50)),
        Arguments.of("fractional seconds are allowed", new Replay(file, 20.5, 0)),
        Arguments.of("the last rate holds to the end", new Replay(file, 999, 0)),
        Arguments.of("no header is needed", new Replay(List.of("0, 7", "3 ,8"), 4, 8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replays")
  void replayHoldsEachRateUntilTheNextSecond(String description, Replay c) {
    Profile p = Profile.Replay.parse("load.csv", c.lines());
    assertThat(p.rate(c.second())).isEqualTo(c.rate());
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of(List.of("0,1", "5,abc"), "load.csv line 2: rate must be a number, was 'abc'"),
        Arguments.of(List.of("0,1", "5"), "load.csv line 2: expected second,rate but got '5'"),
        Arguments.of(List.of("0,1", "1,2,3"), "load.csv line 2: expected second,rate"),
        Arguments.of(List.of("second,rate", "0,-4"), "load.csv line 2: rate must be >= 0"),
        Arguments.of(List.of("5,1"), "load.csv line 1: the first second must be 0"),
        Arguments.of(List.of("0,1", "", "10,2", "10,3"), "load.csv line 4: seconds must increase"),
        Arguments.of(List.of("0,1", "x,2"), "load.csv line 2: second must be a number, was 'x'"),
        Arguments.of(List.of("# only a comment"), "load.csv: no second,rate lines"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badFiles")
  void aBadFileIsRejectedNamingItsLine(List<String> lines, String message) {
    assertThatThrownBy(() -> Profile.Replay.parse("load.csv", lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aFileIsReadWhenTheSpecIsNotAShape(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("replay.csv"), "0,3\n2,9\n");
    Profile p = Profile.of(file.toString(), 10, 100, 60);
    assertThat(p.name()).isEqualTo(file.toString());
    assertThat(p.rate(1)).isEqualTo(3);
    assertThat(p.rate(2)).isEqualTo(9);
  }

  @Test
  void theIntegralIsTheOrdersDue() {
    // spike over 100 s: 10/s, 100/s from 20 s to 45 s, then 10/s: 20*10 + 25*100 + 55*10.
    assertThat(Profile.of("spike", 10, 100, 100).integral(0, 100)).isCloseTo(3250, within(1.0));
    // ramp: the mean of base and peak over the run.
    assertThat(Profile.of("ramp", 10, 100, 100).integral(0, 100)).isCloseTo(5500, within(1.0));
    assertThat(Profile.of("constant", 0, 400, 10).integral(2.5, 3.0)).isCloseTo(200, within(1e-9));
    assertThat(Profile.of("constant", 0, 400, 10).integral(3, 3)).isZero();
  }

  @Test
  void anUnknownNameThatIsNoFileSaysWhatIsAccepted() {
    assertThatThrownBy(() -> Profile.of("spiky", 10, 100, 60))
        .hasMessageContaining("spiky")
        .hasMessageContaining("constant, step, ramp, spike");
  }
}
