package io.lagscaler.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Kafka client properties from the command line: bootstrap servers plus an optional file. */
final class ClientProperties {

  private ClientProperties() {}

  static Map<String, Object> of(String bootstrapServers, Path commandConfig) {
    Map<String, Object> props = new HashMap<>();
    if (commandConfig != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(commandConfig)) {
        file.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--command-config " + commandConfig + ": cannot read (" + e.getMessage() + ")", e);
      }
      file.forEach((k, v) -> props.put(k.toString(), v));
    }
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }
}
