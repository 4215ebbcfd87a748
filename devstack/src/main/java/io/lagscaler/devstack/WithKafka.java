package io.lagscaler.devstack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka broker: declare a {@link KafkaCluster} parameter on a test,
 * lifecycle method or constructor. By default the broker is shared by every class of the module
 * that asks for one; {@link Scope#CLASS} gives the class its own broker (for tests that change
 * broker-wide state).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {

  /** How widely one broker is shared. */
  Scope scope() default Scope.MODULE;

  /** The sharing scope of a broker. */
  enum Scope {
    /** One broker for every test class in the module (the test JVM). */
    MODULE,
    /** One broker for this test class alone. */
    CLASS
  }
}
