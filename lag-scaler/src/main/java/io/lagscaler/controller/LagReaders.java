package io.lagscaler.controller;

import io.lagscaler.config.InvalidConfigException;
import io.lagscaler.config.KafkaClientProperties;
import io.lagscaler.config.ScalerConfig;
import io.lagscaler.observe.LagReader;
import java.time.Clock;
import java.util.function.Function;

/** Opens the reader of one Kafka cluster: the controller keeps one per configured cluster. */
@FunctionalInterface
public interface LagReaders {

  /**
   * A reader for the cluster named {@code cluster} with these settings. It may throw (a secret that
   * cannot be resolved, a client property Kafka rejects): that cluster's targets then hold.
   */
  LagReader connect(String cluster, ScalerConfig.KafkaConfig settings);

  /** Readers whose secret properties resolve from {@code environment} (and files). */
  static LagReaders resolvingSecrets(Function<String, String> environment, Clock clock) {
    return (cluster, settings) -> {
      try {
        return LagReader.connect(
            KafkaClientProperties.resolve(settings, environment).forClient(),
            settings.requestTimeout(),
            clock);
      } catch (InvalidConfigException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    };
  }
}
