package io.lagscaler.services.graph;

import io.lagscaler.services.common.config.Env;
import java.time.Duration;
import java.util.Optional;

/** Where Neo4j is; no user means no authentication. */
public record Neo4jSettings(
    String uri, Optional<String> user, Optional<String> password, Duration timeout) {

  public static Neo4jSettings read(Env env) {
    String uri = env.string("NEO4J_URI", "bolt://127.0.0.1:7687");
    if (!uri.matches("(bolt|neo4j)(\\+s|\\+ssc)?://.+")) {
      env.reject("NEO4J_URI=" + uri + ": must be a bolt:// or neo4j:// URI");
    }
    Optional<String> user = env.optional("NEO4J_USER");
    Optional<String> password = env.optional("NEO4J_PASSWORD");
    if (user.isPresent() != password.isPresent()) {
      env.reject("NEO4J_USER and NEO4J_PASSWORD: set both for basic authentication, or neither");
    }
    return new Neo4jSettings(
        uri,
        user,
        password,
        env.duration(
            "NEO4J_TIMEOUT",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMinutes(5)));
  }
}
