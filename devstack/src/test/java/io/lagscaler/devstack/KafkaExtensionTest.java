package io.lagscaler.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaExtensionTest {

  private static KafkaCluster first;

  @BeforeAll
  static void remember(KafkaCluster kafka) {
    first = kafka;
  }

  @Test
  void testsOfTheModuleShareOneBroker(KafkaCluster kafka) {
    assertThat(kafka).isSameAs(first);
  }

  @Test
  void brokerIsARealKafka(KafkaCluster kafka) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("extension-test", 2, (short) 1))).all().get();
      assertThat(admin.describeCluster().nodes().get()).hasSize(kafka.brokerCount());
    }
  }
}
