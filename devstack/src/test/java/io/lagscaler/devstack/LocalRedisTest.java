package io.lagscaler.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@WithRedis
class LocalRedisTest {

  /** Sends one inline command and returns the first line of the reply. */
  static String command(int port, String command) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String first = in.readLine();
      return first.startsWith("$") && !first.equals("$-1") ? in.readLine() : first;
    }
  }

  @Test
  void aRestartKeepsTheDataLikeAPersistentRedis(LocalRedis redis) throws Exception {
    assertThat(command(redis.port(), "SET restart-key kept")).isEqualTo("+OK");

    redis.stop();
    assertThatThrownBy(() -> command(redis.port(), "PING")).isInstanceOf(IOException.class);
    redis.restart();

    assertThat(command(redis.port(), "GET restart-key")).isEqualTo("kept");
  }

  @Test
  void theExtensionSharesOneServer(LocalRedis first, LocalRedis second) {
    assertThat(first).isSameAs(second);
    assertThat(first.uri()).isEqualTo("redis://127.0.0.1:" + first.port());
  }
}
