package io.lagscaler.observe.compat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The contract of {@link KafkaVersionsTest} against the official {@code apache/kafka} images of the
 * same releases, through Testcontainers' Kafka module. It needs a Docker engine, so the default
 * build leaves it out (lag-scaler/pom.xml) and the child-JVM brokers of {@link KafkaVersionsTest}
 * run the contract there; the build workflow's kafka-images job names it ({@code
 * -Dtest=KafkaImagesTest}), and there a missing engine fails it.
 */
@ParameterizedClass(name = "apache/kafka:{0}")
@ValueSource(strings = {"3.7.2", "3.9.1", "4.0.1", "4.3.1"})
class KafkaImagesTest extends LagReaderContract {

  private static KafkaContainer broker;

  @Parameter String version;

  @BeforeParameterizedClassInvocation
  static void start(String version) {
    broker = null;
    if (DockerClientFactory.instance().isDockerAvailable()) {
      broker = new KafkaContainer(DockerImageName.parse("apache/kafka:" + version));
      broker.start();
    }
  }

  /** Run only where asked for, so a missing Docker engine is a failure, not a skip. */
  @BeforeEach
  void needsDocker() {
    assertThat(broker)
        .as(
            "a Docker engine for the apache/kafka images (without one, KafkaVersionsTest's"
                + " child-JVM brokers run the same contract)")
        .isNotNull();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (broker != null) {
      broker.stop();
    }
  }

  @Override
  protected String bootstrapServers() {
    return broker.getBootstrapServers();
  }

  @Override
  protected String kafkaVersion() {
    return version;
  }
}
