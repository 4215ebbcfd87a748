package io.lagscaler.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A KIP-848 group's rebalance told from its epochs (the real-broker case is in compat). */
class ConsumerProtocolStateTest {

  private static Optional<Integer> epoch(int e) {
    return Optional.of(e);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "every member at the target assignment's epoch: stable",
            GroupState.STABLE,
            epoch(7),
            epoch(7),
            List.of(epoch(7), epoch(7)),
            GroupState.STABLE),
        argumentSet(
            "a member still at an older epoch: rebalancing, even if the state said stable",
            GroupState.STABLE,
            epoch(8),
            epoch(8),
            List.of(epoch(8), epoch(7)),
            GroupState.REBALANCING),
        argumentSet(
            "the group epoch ahead of the target assignment: rebalancing (assigning)",
            GroupState.STABLE,
            epoch(9),
            epoch(8),
            List.of(epoch(8)),
            GroupState.REBALANCING),
        argumentSet(
            "a state that said reconciling but epochs that agree now: stable",
            GroupState.REBALANCING,
            epoch(8),
            epoch(8),
            List.of(epoch(8)),
            GroupState.STABLE),
        argumentSet(
            "no epochs reported (a broker before the consumer protocol's GA): the state stands",
            GroupState.REBALANCING,
            Optional.empty(),
            Optional.empty(),
            List.of(Optional.empty()),
            GroupState.REBALANCING),
        argumentSet(
            "an empty group stays empty whatever its epochs",
            GroupState.EMPTY,
            epoch(9),
            epoch(8),
            List.of(),
            GroupState.EMPTY));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aRebalanceInProgressIsToldByTheEpochs(
      GroupState reported,
      Optional<Integer> groupEpoch,
      Optional<Integer> targetEpoch,
      List<Optional<Integer>> members,
      GroupState expected) {
    assertThat(LagReader.consumerProtocolState(reported, groupEpoch, targetEpoch, members))
        .isEqualTo(expected);
  }
}
