package io.lagscaler.config;

/** One thing wrong with a config: where ({@code targets[2].maxReplicas}) and what. */
public record ConfigError(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
