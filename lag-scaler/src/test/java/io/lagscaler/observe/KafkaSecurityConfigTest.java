package io.lagscaler.observe;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The security settings docs/configuration.md documents are accepted by the Kafka client as
 * lag-scaler builds it (the classes they name load, the combinations validate). Authenticating
 * against SSL, SCRAM or MSK brokers needs those brokers, which cannot run here: see the note in
 * docs/configuration.md.
 */
class KafkaSecurityConfigTest {

  static Stream<Arguments> settings() {
    return Stream.of(
        argumentSet("PLAINTEXT", Map.of("security.protocol", "PLAINTEXT")),
        argumentSet(
            "SSL with mutual TLS (PEM)",
            Map.of(
                "security.protocol", "SSL",
                "ssl.keystore.type", "PEM",
                "ssl.truststore.type", "PEM",
                "ssl.endpoint.identification.algorithm", "https")),
        argumentSet(
            "SASL_SSL with SCRAM-SHA-512",
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"u\" password=\"p\";")),
        argumentSet(
            "AWS MSK IAM",
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "AWS_MSK_IAM",
                "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "sasl.client.callback.handler.class",
                    "software.amazon.msk.auth.iam.IAMClientCallbackHandler")));
  }

  @ParameterizedTest
  @MethodSource("settings")
  void theClientAcceptsTheDocumentedSecuritySettings(Map<String, Object> security) {
    Map<String, Object> props = new java.util.HashMap<>(security);
    props.put("bootstrap.servers", "127.0.0.1:1");
    assertThatCode(
            () -> LagReader.connect(props, Duration.ofMillis(500), Clock.systemUTC()).close())
        .doesNotThrowAnyException();
  }
}
