package io.lagscaler.signals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The compact ring keeps exact longs although it stores ints relative to a base. */
class SampleRingTest {

  private static final long DAY = 24 * 3600 * 1000L;

  @Test
  void offsetsBeyondAnIntAndARewindReadBackExactly() {
    SampleRing ring = new SampleRing(4);
    long big = 5_000_000_000L;
    ring.add(1_000, big, 7);
    ring.add(2_000, big + 100, 3);
    ring.add(3_000, big - 50, 0); // a rewound commit: below the base
    assertThat(ring.offset(0)).isEqualTo(big);
    assertThat(ring.offset(1)).isEqualTo(big + 100);
    assertThat(ring.offset(2)).isEqualTo(big - 50);
    assertThat(ring.time(2)).isEqualTo(3_000);
    assertThat(ring.extra(0)).isEqualTo(7);
  }

  @Test
  void aSpanWiderThanAnIntDropsTheOldestSamplesOnly() {
    SampleRing ring = new SampleRing(4);
    ring.add(0, 0, 1);
    ring.add(20 * DAY, 10, 1);
    ring.add(30 * DAY, 20, 1); // 30 days after the first: it no longer fits beside it
    assertThat(ring.size()).isEqualTo(2);
    assertThat(ring.time(0)).isEqualTo(20 * DAY);
    assertThat(ring.newestTime()).isEqualTo(30 * DAY);
    ring.add(30 * DAY + 1, 3_000_000_000L, 1); // 3e9 offsets past the oldest: it goes too
    assertThat(ring.size()).isEqualTo(1);
    assertThat(ring.newestOffset()).isEqualTo(3_000_000_000L);
  }

  @Test
  void aLagBeyondAnIntSaturatesInsteadOfWrapping() {
    SampleRing ring = new SampleRing(2);
    ring.add(1, 0, 10_000_000_000L);
    assertThat(ring.extra(0)).isEqualTo(Integer.MAX_VALUE);
  }
}
