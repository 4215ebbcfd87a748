package io.lagscaler.services.intake;

import io.lagscaler.services.common.config.Env;

/** Limits of the HTTP intake. */
public record IntakeSettings(long maxRequestBytes, int maxBatchOrders) {

  public static IntakeSettings read(Env env) {
    return new IntakeSettings(
        env.integer("MAX_REQUEST_BYTES", 1_048_576, 1_024, 64 * 1_048_576),
        env.integer("MAX_BATCH_ORDERS", 1_000, 1, 100_000));
  }
}
