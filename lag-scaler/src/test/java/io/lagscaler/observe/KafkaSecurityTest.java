package io.lagscaler.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.config.ConfigParser;
import io.lagscaler.config.KafkaClientProperties;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.devstack.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lag-scaler's Kafka security settings, written as a user writes them in the config (secrets in
 * mounted files), against a real broker that requires them: SASL_SSL with SCRAM-SHA-512, and SSL
 * with a client certificate (mutual TLS). Wrong credentials fail the group with the reason.
 */
class KafkaSecurityTest {

  private static final String TOPIC = "secured";
  private static final String GROUP = "secured-group";

  @TempDir static Path dir;
  private static TestTls tls;
  private static KafkaBrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    tls = TestTls.create(dir);
    broker =
        KafkaBrokerProcess.startSecured(
            tls, new KafkaBrokerProcess.ScramUser("lag-scaler", "scram-secret"));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      try (var producer =
          new KafkaProducer<String, String>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        for (int i = 0; i < 12; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "k", "v" + i));
        }
      }
      GroupOffsetsSeeder.commit(admin, GROUP, Map.of(new TopicPartition(TOPIC, 0), 5L));
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void saslSslWithScramReadsTheGroupsLag() throws Exception {
    GroupOffsets group = poll(scramConfig("scram-secret"));
    assertThat(group).isInstanceOf(GroupOffsets.Read.class);
    assertThat(((GroupOffsets.Read) group).partitions().getFirst().committed())
        .isEqualTo(Offset.known(5));
    assertThat(((GroupOffsets.Read) group).partitions().getFirst().logEnd())
        .isEqualTo(Offset.known(12));
  }

  @Test
  void aWrongScramPasswordFailsTheGroupWithTheAuthenticationError() throws Exception {
    GroupOffsets group = poll(scramConfig("not-the-password"));
    assertThat(group)
        .isInstanceOfSatisfying(
            GroupOffsets.Failed.class,
            f -> assertThat(f.error()).containsIgnoringCase("authentication failed"));
  }

  @Test
  void mutualTlsWithAClientCertificateReadsTheGroupsLag() throws Exception {
    GroupOffsets group = poll(tlsConfig(true));
    assertThat(group).isInstanceOf(GroupOffsets.Read.class);
    assertThat(((GroupOffsets.Read) group).partitions().getFirst().logEnd())
        .isEqualTo(Offset.known(12));
  }

  @Test
  void tlsWithoutTheClientCertificateTheBrokerRequiresFailsTheGroup() throws Exception {
    GroupOffsets group = poll(tlsConfig(false));
    assertThat(group)
        .isInstanceOfSatisfying(
            GroupOffsets.Failed.class,
            f -> assertThat(f.error()).contains("SslAuthenticationException"));
  }

  private String scramConfig(String password) throws Exception {
    Path jaas = dir.resolve("jaas-" + password);
    Files.writeString(
        jaas,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"lag-scaler\""
            + " password=\""
            + password
            + "\";\n");
    Path trustPassword = Files.writeString(dir.resolve("truststore-password"), tls.password());
    return """
        kafka:
          bootstrapServers: %s
          properties:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            ssl.truststore.type: PKCS12
            ssl.truststore.location: %s
          secretProperties:
            sasl.jaas.config: {file: %s}
            ssl.truststore.password: {file: %s}
        """
            .formatted(broker.securedAddress("SASL_SSL"), tls.trustStore(), jaas, trustPassword)
        + TARGET;
  }

  private String tlsConfig(boolean withClientCertificate) throws Exception {
    Path password = Files.writeString(dir.resolve("store-password"), tls.password());
    String keyStore =
        withClientCertificate
            ? """
                ssl.keystore.type: PKCS12
                ssl.keystore.location: %s
            """
                .formatted(tls.clientKeyStore())
            : "";
    String keySecrets =
        withClientCertificate
            ? """
                ssl.keystore.password: {file: %s}
                ssl.key.password: {file: %s}
            """
                .formatted(password, password)
            : "";
    return """
        kafka:
          bootstrapServers: %s
          properties:
            security.protocol: SSL
            ssl.truststore.type: PKCS12
            ssl.truststore.location: %s
        %s  secretProperties:
            ssl.truststore.password: {file: %s}
        %s"""
            .formatted(
                broker.securedAddress("SSL"), tls.trustStore(), keyStore, password, keySecrets)
        + TARGET;
  }

  private static final String TARGET =
      """
      targets:
        - name: secured
          namespace: default
          kind: Deployment
          workload: secured
          consumerGroup: %s
          topics: [%s]
      """
          .formatted(GROUP, TOPIC);

  /** The config as the controller reads it: parsed, secrets resolved, one poll. */
  private static GroupOffsets poll(String yaml) throws Exception {
    KafkaClientProperties props = KafkaClientProperties.resolve(ConfigParser.parse(yaml).kafka());
    try (LagReader reader =
        LagReader.connect(props.forClient(), Duration.ofSeconds(8), Clock.systemUTC())) {
      return reader
          .poll(List.of(GroupQuery.of(GROUP, java.util.Set.of(TOPIC))))
          .groups()
          .get(GROUP);
    }
  }
}
