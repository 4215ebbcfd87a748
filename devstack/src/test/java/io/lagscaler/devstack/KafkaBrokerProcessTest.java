package io.lagscaler.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class KafkaBrokerProcessTest {

  @Test
  void childBrokerServesClientsAndStopsOnClose() throws Exception {
    long pid;
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.start()) {
      pid = broker.pid();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("child-broker", 3, (short) 1))).all().get();
        assertThat(admin.listTopics().names().get()).contains("child-broker");
      }
    }
    ProcessHandle.of(pid)
        .ifPresent(p -> p.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
