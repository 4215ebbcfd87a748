package io.lagscaler.devstack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Neo4j: declare a {@link LocalNeo4j} parameter on a test, lifecycle
 * method or constructor. One server is shared by every class of the module that asks for one.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Neo4jExtension.class)
public @interface WithNeo4j {}
