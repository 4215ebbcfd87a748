package io.lagscaler.decide;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The decision engine stays pure: no Kafka, Kubernetes, clock, network, files or logging. */
@AnalyzeClasses(
    packages = "io.lagscaler.decide",
    importOptions = ImportOption.DoNotIncludeTests.class)
class DecideArchitectureTest {

  @ArchTest
  static final ArchRule decideImportsNoIoClockOrLogging =
      noClasses()
          .that()
          .resideInAPackage("io.lagscaler.decide..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "io.fabric8..",
              "java.net..",
              "java.io..",
              "java.nio..",
              "java.util.logging..",
              "org.slf4j..",
              "org.apache.logging..",
              "ch.qos.logback..",
              "io.micrometer..",
              "java.util.concurrent..")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(java.time.Clock.class)
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(System.Logger.class)
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethod(java.time.Instant.class, "now")
          .because("decide is pure replica math: the time is passed in (docs/decisions.md)");

  @ArchTest
  static final ArchRule decideReadsSignalsNotTheAdapter =
      noClasses()
          .that()
          .resideInAPackage("io.lagscaler.decide..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.lagscaler.observe.LagReader")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.lagscaler.signals.SignalTracker")
          .because("decide sees signals as plain records, never the code that reads Kafka");
}
