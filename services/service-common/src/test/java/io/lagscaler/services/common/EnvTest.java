package io.lagscaler.services.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lagscaler.services.common.config.ConfigException;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.ProcessingCost;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void everyBadVariableIsReportedAtOnceByName() {
    Env env =
        Env.of(
            Map.of(
                "HTTP_PORT", "eighty",
                "TRACING_SAMPLE_RATE", "1.5",
                "GROUP_PROTOCOL", "eager",
                "SHUTDOWN_GRACE", "soon",
                "PROCESSING_COST_MICROS", "-3",
                "PROCESSING_COST_MODE", "idle"));
    ServiceConfig.read(env, "svc");
    ServiceConfig.readConsumer(env, "svc");

    assertThatThrownBy(env::validate)
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .hasSize(6)
                    .anySatisfy(p -> assertThat(p).startsWith("HTTP_PORT=eighty: not an integer"))
                    .anySatisfy(p -> assertThat(p).startsWith("TRACING_SAMPLE_RATE=1.5: must be"))
                    .anySatisfy(p -> assertThat(p).contains("GROUP_PROTOCOL=eager: must be one of"))
                    .anySatisfy(
                        p -> assertThat(p).startsWith("SHUTDOWN_GRACE=soon: not a duration"))
                    .anySatisfy(p -> assertThat(p).startsWith("PROCESSING_COST_MICROS=-3"))
                    .anySatisfy(
                        p ->
                            assertThat(p).startsWith("PROCESSING_COST_MODE=idle: must be one of")));
  }

  @Test
  void backoffMaximumShorterThanInitialNamesBothVariables() {
    Env env = Env.of(Map.of("STORE_BACKOFF_INITIAL", "5s", "STORE_BACKOFF_MAX", "1s"));
    ServiceConfig.readConsumer(env, "svc");

    assertThat(env.errors())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("STORE_BACKOFF_MAX=1s is shorter than STORE_BACKOFF_INITIAL=5s"));
  }

  @Test
  void unsetVariablesTakeTheDocumentedDefaults() {
    Env env = Env.of(Map.of());
    ServiceConfig config = ServiceConfig.read(env, "svc");
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "svc-group");
    env.validate();

    assertThat(config.ordersTopic()).isEqualTo("orders");
    assertThat(config.dlqTopic()).isEqualTo("orders.dlq");
    assertThat(config.ordersPartitions()).isEqualTo(24);
    assertThat(consumer.groupId()).isEqualTo("svc-group");
    assertThat(consumer.groupProtocol()).isEqualTo(ServiceConfig.GroupProtocol.CLASSIC);
    assertThat(consumer.processingCostPerMessage()).isEqualTo(Duration.ZERO);
    assertThat(consumer.processingCostMode()).isEqualTo(ProcessingCost.Mode.SPIN);
  }

  @Test
  void durationsAcceptEachUnit() {
    Env env =
        Env.of(
            Map.of(
                "SHUTDOWN_GRACE", "90s",
                "STORE_BACKOFF_INITIAL", "250ms",
                "STORE_BACKOFF_MAX", "2m",
                "GROUP_PROTOCOL", "consumer"));
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "g");
    env.validate();

    assertThat(consumer.shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
    assertThat(consumer.backoffInitial()).isEqualTo(Duration.ofMillis(250));
    assertThat(consumer.backoffMax()).isEqualTo(Duration.ofMinutes(2));
    assertThat(consumer.groupProtocol()).isEqualTo(ServiceConfig.GroupProtocol.CONSUMER);
  }
}
