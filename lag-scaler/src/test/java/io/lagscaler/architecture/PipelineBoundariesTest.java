package io.lagscaler.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Data flows one way (observe, signals, decide, act, explain); third-party types stay in adapters.
 */
class PipelineBoundariesTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.lagscaler");

  @Test
  void onlyTheObserveAdapterTalksToKafka() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.lagscaler.observe..", "io.lagscaler.devstack..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka..")
        .check(CLASSES);
  }

  @Test
  void onlyTheKubernetesAdapterTalksToKubernetes() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.lagscaler.kubernetes..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
        .check(CLASSES);
  }

  @Test
  void signalsArePureCodeWithTheTimeGiven() {
    noClasses()
        .that()
        .resideInAPackage("io.lagscaler.signals..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..", "io.micrometer..", "org.slf4j..", "java.net..", "java.io..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .check(CLASSES);
  }

  @Test
  void observeDoesNotDependOnLaterStages() {
    noClasses()
        .that()
        .resideInAPackage("io.lagscaler.observe..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.lagscaler.signals..", "io.lagscaler.explain..", "io.lagscaler.cli..")
        .check(CLASSES);
  }
}
