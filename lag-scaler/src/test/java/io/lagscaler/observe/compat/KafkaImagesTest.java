package io.lagscaler.observe.compat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
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
 * same releases, through Testcontainers' Kafka module. It needs a Docker engine: where there is
 * none, JUnit skips it and says so ("Docker is not available"); the child-JVM brokers of {@link
 * KafkaVersionsTest} always run. The build workflow's kafka-images job runs it (the main job sets
 * {@code LAGSCALER_KAFKA_IMAGES=elsewhere} so the images are pulled once).
 */
@DisabledIfEnvironmentVariable(
    named = "LAGSCALER_KAFKA_IMAGES",
    matches = "elsewhere",
    disabledReason = "the workflow's kafka-images job runs the image tests")
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

  /** Skipped, and said so in each test's report, only when there is no Docker engine. */
  @BeforeEach
  void needsDocker() {
    assumeTrue(
        broker != null,
        "no Docker engine: the apache/kafka image tests are skipped (KafkaVersionsTest's"
            + " child-JVM brokers run the same contract)");
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
