package io.lagscaler.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeysTest {

  @Test
  void hotSendsItsShareOfOrdersToItsFractionOfStores() {
    Keys keys = Keys.parse("hot:0.8:0.1", 200);
    int[] counts = new int[200];
    SplittableRandom random = new SplittableRandom(7);
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      counts[keys.next(random)]++;
    }
    long hot = 0;
    for (int s = 0; s < 20; s++) {
      hot += counts[s];
    }
    // 80% of the orders on the 20 hot stores; each hot store gets 4%, each other about 0.11%.
    assertThat(hot / (double) draws).isCloseTo(0.8, within(0.01));
    assertThat(counts[3] / (double) draws).isCloseTo(keys.expectedShare(3), within(0.004));
    assertThat(counts[150] / (double) draws).isCloseTo(keys.expectedShare(150), within(0.0008));
    assertThat(keys.expectedShare(3) / keys.expectedShare(150)).isCloseTo(36.0, within(1e-9));
  }

  @Test
  void uniformSpreadsEvenly() {
    Keys keys = Keys.parse("uniform", 10);
    int[] counts = new int[10];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      counts[keys.next(random)]++;
    }
    for (int c : counts) {
      assertThat(c / 100_000.0).isCloseTo(0.1, within(0.005));
    }
    assertThat(Keys.storeId(3)).isEqualTo("store-3");
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of("zipf", "keys 'zipf' is not uniform, or hot:SHARE:FRACTION"),
        Arguments.of("hot:0.8", "keys 'hot:0.8': hot takes two numbers, SHARE and FRACTION"),
        Arguments.of(
            "hot:x:0.1", "keys 'hot:x:0.1': SHARE (the hot stores' share of orders) must be a"),
        Arguments.of("hot:0.8:1.5", "FRACTION (the share of stores that are hot) must be between"),
        Arguments.of(
            "hot:1:0.1", "SHARE (the hot stores' share of orders) must be between 0 and 1"),
        Arguments.of("hot:0.8:0.999", "FRACTION 0.999 makes all 200 stores hot"),
        Arguments.of("", "keys '' is not uniform"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void aBadSpecIsRejectedNamingWhatIsWrong(String spec, String message) {
    assertThatThrownBy(() -> Keys.parse(spec, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
