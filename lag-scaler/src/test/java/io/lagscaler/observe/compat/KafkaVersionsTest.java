package io.lagscaler.observe.compat;

import io.lagscaler.devstack.KafkaBrokerProcess;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The observer against real brokers of the Kafka releases still in service, each a KRaft broker in
 * a child JVM running that release's own jars from Maven Central (its class path resolved apart
 * from the project's Kafka 4.3.1). docs/signals.md lists the supported range.
 */
@ParameterizedClass(name = "Kafka {0}")
@ValueSource(strings = {"3.7.2", "3.9.1", "4.0.1", "4.3.1"})
class KafkaVersionsTest extends LagReaderContract {

  private static KafkaBrokerProcess broker;

  @Parameter String version;

  @BeforeParameterizedClassInvocation
  static void start(String version) {
    // One transaction-state partition instead of 50: the read-committed test's first
    // transaction starts sooner.
    broker =
        KafkaBrokerProcess.startRelease(
            KafkaReleases.brokerClassPath(version),
            java.util.Map.of("transaction.state.log.num.partitions", "1"));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    broker.close();
  }

  @Override
  protected String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  protected String kafkaVersion() {
    return version;
  }
}
