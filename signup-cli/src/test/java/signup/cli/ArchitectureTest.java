package signup.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The module map, as rules that fail the build: each server's domain knows nothing of gRPC or
 * SQL, servers meet only through their generated {@code v1} messages, libraries choose no
 * logging backend, and fault injection stays out of the domain. This module sees every other
 * one on its class path, so the rules are checked here, over the main code of all of them.
 */
final class ArchitectureTest {
  /** Main code only: tests (the test-classes folders and -tests jars) may cross any line. */
  private static final ImportOption MAIN_CODE_ONLY = location ->
      !location.contains("/test-classes/") && !location.contains("-tests.jar");

  private static final JavaClasses SYSTEM = new ClassFileImporter()
      .withImportOption(MAIN_CODE_ONLY)
      .importPackages("signup");

  @Test
  void theClassesUnderTestAreTheMainCodeOfEveryModule() {
    // A rule over no classes passes whatever the code does: make sure each module is here.
    for (String module : new String[] {"signup.common.", "signup.client.domain.",
        "signup.subscription.domain.", "signup.orchestrator.domain.", "signup.bench.",
        "signup.cli."}) {
      classes().that().resideInAPackage(module.replaceAll("\\.$", "") + "..")
          .should().haveSimpleNameNotEndingWith("Test").check(SYSTEM);
      if (SYSTEM.stream().noneMatch(c -> c.getName().startsWith(module))) {
        throw new AssertionError("no class of " + module + " was imported");
      }
    }
  }

  @Test
  void noDomainPackageKnowsTransportOrStorage() {
    ArchRule rule = noClasses().that().resideInAPackage("..domain..")
        .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "org.jdbi..", "java.sql..",
            "javax.sql..", "org.sqlite..", "org.postgresql..", "com.zaxxer.hikari..",
            "org.flywaydb..", "com.google.protobuf..")
        .because("the domain is the middle of the hexagon: adapters in grpc and store wrap it");
    rule.check(SYSTEM);
  }

  @Test
  void noDomainPackageKnowsTheMetricsOrTracingLibraries() {
    noClasses().that().resideInAPackage("..domain..")
        .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..",
            "io.prometheus..", "io.opentelemetry..")
        .because("the domain tells small listener interfaces what happened; the metrics and "
            + "tracing packages implement them")
        .check(SYSTEM);
  }

  @Test
  void noDomainPackageReachesIntoItsAdapters() {
    noClasses().that().resideInAPackage("..domain..")
        .should().dependOnClassesThat().resideInAnyPackage("..grpc..", "..store..", "..cli..")
        .because("dependencies point inward: grpc -> domain <- store")
        .check(SYSTEM);
  }

  @Test
  void theOrchestratorKnowsTheParticipantsOnlyThroughTheirGeneratedMessages() {
    noClasses().that().resideInAPackage("signup.orchestrator..")
        .should().dependOnClassesThat(
            resideInAnyPackage("signup.client..", "signup.subscription..", "signup.cli..",
                "signup.bench..")
                .and(not(resideInAnyPackage("signup.client.v1..", "signup.subscription.v1.."))))
        .because("servers meet only through proto")
        .check(SYSTEM);
  }

  @Test
  void theParticipantsDoNotKnowEachOtherNorTheOrchestratorsCode() {
    noClasses().that().resideInAPackage("signup.client..")
        .and().resideOutsideOfPackage("signup.client.v1..")
        .should().dependOnClassesThat(
            resideInAnyPackage("signup.subscription..", "signup.orchestrator..", "signup.cli..")
                .and(not(resideInAnyPackage("signup.subscription.v1..",
                    "signup.orchestrator.v1.."))))
        .check(SYSTEM);
    noClasses().that().resideInAPackage("signup.subscription..")
        .and().resideOutsideOfPackage("signup.subscription.v1..")
        .should().dependOnClassesThat(
            resideInAnyPackage("signup.client..", "signup.orchestrator..", "signup.cli..")
                .and(not(resideInAnyPackage("signup.client.v1..", "signup.orchestrator.v1.."))))
        .check(SYSTEM);
  }

  @Test
  void theBenchmarkKnowsTheSystemOnlyThroughProto() {
    noClasses().that().resideInAPackage("signup.bench..")
        .should().dependOnClassesThat(
            resideInAnyPackage("signup.client..", "signup.subscription..",
                "signup.orchestrator..", "signup.cli..")
                .and(not(resideInAnyPackage("signup.client.v1..", "signup.subscription.v1..",
                    "signup.orchestrator.v1.."))))
        .because("the CLI hands it what it needs of the servers (LocalLimitParts)")
        .check(SYSTEM);
  }

  @Test
  void serverCommonChoosesNoLoggingBackend() {
    noClasses().that().resideInAPackage("signup.common..")
        .should().dependOnClassesThat().resideInAnyPackage("ch.qos.logback..",
            "org.apache.logging.log4j..")
        .because("a library logs through SLF4J; the runnable jars choose the backend")
        .check(SYSTEM);
  }

  @Test
  void faultInjectionIsNotInADomainPackage() {
    classes().that().haveSimpleNameStartingWith("CrashPoint")
        .should().resideOutsideOfPackage("..domain..")
        .check(SYSTEM);
    noClasses().that().resideInAPackage("..domain..")
        .should().callMethod(Runtime.class, "halt", int.class)
        .orShould().callMethod(Runtime.class, "exit", int.class)
        .orShould().callMethod(System.class, "exit", int.class)
        .because("only the fault-injection package may stop the JVM")
        .check(SYSTEM);
  }
}
