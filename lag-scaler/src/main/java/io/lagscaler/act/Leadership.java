package io.lagscaler.act;

import java.util.Optional;

/** Whether this instance may write. Only the leader scales; standbys observe and decide. */
public interface Leadership {

  boolean isLeader();

  /** The identity of the current leader, when known. */
  Optional<String> currentLeader();

  /** This instance's identity. */
  String identity();

  /** A single instance with no election (local runs, dry runs): always the leader. */
  static Leadership alone(String identity) {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return true;
      }

      @Override
      public Optional<String> currentLeader() {
        return Optional.of(identity);
      }

      @Override
      public String identity() {
        return identity;
      }
    };
  }
}
