package io.lagscaler.services.totals;

import io.lagscaler.services.common.config.Env;
import java.time.Duration;

/** Where Redis is and how long an orderId is remembered for deduplication. */
public record RedisSettings(String uri, Duration dedupeTtl, Duration timeout) {

  public static RedisSettings read(Env env) {
    String uri = env.string("REDIS_URI", "redis://127.0.0.1:6379");
    if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
      env.reject("REDIS_URI=" + uri + ": must start with redis:// or rediss://");
    }
    return new RedisSettings(
        uri,
        // Longer than the topic's retention (7 days by default): a replay can only bring back
        // orders still in the topic, and those must still be remembered.
        env.duration("DEDUPE_TTL", Duration.ofDays(8), Duration.ofMinutes(1), Duration.ofDays(365)),
        env.duration(
            "REDIS_TIMEOUT", Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMinutes(1)));
  }
}
