package io.lagscaler.act;

import java.time.Instant;

/**
 * One decision to explain on the workload.
 *
 * @param from replicas before
 * @param to replicas decided (equal to {@code from} for a hold or refusal)
 * @param reason the reason code (a closed set, see docs/decisions.md)
 * @param explanation one line with the numbers that drove it
 */
public record ScaleChange(Instant at, int from, int to, String reason, String explanation) {

  public boolean changes() {
    return from != to;
  }
}
