package io.lagscaler.devstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link LocalNeo4j} parameters with one real server for the whole module (the test JVM),
 * stopped when the JUnit root context closes, like {@link KafkaExtension} with its default scope.
 */
public final class Neo4jExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Neo4jExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalNeo4j.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(LocalNeo4j.class, key -> LocalNeo4j.start(), LocalNeo4j.class);
  }
}
