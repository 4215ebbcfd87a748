package io.lagscaler.devstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaCluster} parameters with a real broker that is started once per scope and
 * stopped when the scope ends (JUnit closes {@link AutoCloseable} values in its stores).
 */
public final class KafkaExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    WithKafka.Scope scope =
        context
            .getTestClass()
            .map(c -> c.getAnnotation(WithKafka.class))
            .map(WithKafka::scope)
            .orElse(WithKafka.Scope.MODULE);
    ExtensionContext owner =
        scope == WithKafka.Scope.MODULE ? context.getRoot() : classContext(context);
    return owner
        .getStore(NAMESPACE)
        .computeIfAbsent(KafkaCluster.class, key -> LocalKafka.start(), KafkaCluster.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
