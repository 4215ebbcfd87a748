package io.lagscaler.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

@WithRedis
class TcpProxyTest {

  @Test
  void aCutRefusesConnectionsUntilRestored(LocalRedis redis) throws Exception {
    try (TcpProxy proxy = TcpProxy.to(redis.port())) {
      assertThat(LocalRedisTest.command(proxy.port(), "PING")).isEqualTo("+PONG");

      proxy.cut();
      assertThatThrownBy(() -> LocalRedisTest.command(proxy.port(), "PING"))
          .isInstanceOf(IOException.class);

      proxy.restore();
      assertThat(LocalRedisTest.command(proxy.port(), "PING")).isEqualTo("+PONG");
    }
  }
}
