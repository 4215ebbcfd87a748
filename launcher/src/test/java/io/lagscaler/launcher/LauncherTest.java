package io.lagscaler.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

  private static final Path JDK_25 = Path.of(System.getProperty("java.home"));

  @Test
  void anOldJavaRestartsTheJarOnTheJdk25OfJavaHomeWithItsArgumentsAndExitCode(@TempDir Path dir)
      throws Exception {
    Path jar = jar(dir);
    Run run = run(olderJava(), JDK_25.toString(), "-Xmx64m", "-jar", jar, "hello", "two words");

    assertThat(run.exit).as(run.output).isEqualTo(3);
    assertThat(run.output)
        .contains("java 25 args [hello, two words] JAVA_HOME " + JDK_25.toRealPath());
  }

  @Test
  void anOldJavaHomeIsPassedOverForAJdk25InTheUsualPlaces(@TempDir Path dir) throws Exception {
    Path old = olderJava();
    Path oldHome = old.getParent().getParent();
    Run run = run(old, oldHome.toString(), "-jar", jar(dir), "x");

    assertThat(run.exit).as(run.output).isEqualTo(3);
    assertThat(run.output).contains("java 25 args [x]");
  }

  @Test
  void onJava25TheStartClassRunsInTheSameJvm(@TempDir Path dir) throws Exception {
    Run run = run(JDK_25.resolve("bin/java"), "", "-jar", jar(dir), "same");

    assertThat(run.exit).as(run.output).isEqualTo(3);
    // Not restarted: the launcher sets JAVA_HOME only for a JVM it starts.
    assertThat(run.output).contains("java 25 args [same] JAVA_HOME null");
  }

  @Test
  void theNewestJdk25OrLaterAmongTheRootsIsChosenWhenJavaHomeIsOlder(@TempDir Path dir)
      throws IOException {
    Path roots = dir.resolve("jvm");
    Path old = fakeJdk(roots.resolve("java-17"), "17.0.15");
    fakeJdk(roots.resolve("temurin-25"), "25.0.3");
    Path newest = fakeJdk(roots.resolve("jdk-26.jdk/Contents/Home"), "26");
    fakeJdk(roots.resolve("broken"), null);

    assertThat(Launcher.findJdk(old.toString(), List.of(roots.toFile())))
        .isEqualTo(newest.toFile());
    assertThat(Launcher.findJdk(null, List.of(dir.resolve("missing").toFile()))).isNull();
    assertThat(Launcher.findJdk(old.toString(), List.of(roots.resolve("java-17").toFile())))
        .isNull();
  }

  @Test
  void javaHomeWinsWhenItIsAJdk25(@TempDir Path dir) throws IOException {
    Path home = fakeJdk(dir.resolve("mine"), "25.0.1");
    fakeJdk(dir.resolve("jvm/jdk-27"), "27");

    assertThat(Launcher.findJdk(home.toString(), List.of(dir.resolve("jvm").toFile())))
        .isEqualTo(home.toFile());
  }

  @Test
  void specificationVersionsOfEveryEraReadAsTheirMajorRelease() {
    assertThat(Launcher.major("1.8")).isEqualTo(8);
    assertThat(Launcher.major("17")).isEqualTo(17);
    assertThat(Launcher.major("25.0.3")).isEqualTo(25);
    assertThat(Launcher.major("garbage")).isEqualTo(-1);
  }

  @Test
  void withoutAJdk25TheMessageSaysWhatRanAndWhatToDo() {
    assertThat(Launcher.noJdkMessage(17, "/usr/bin/java", null))
        .contains("needs Java 25, and this is Java 17 (/usr/bin/java); JAVA_HOME is not set")
        .contains("set JAVA_HOME");
    assertThat(Launcher.noJdkMessage(17, "/usr/bin/java", "/opt/jdk-17"))
        .contains("JAVA_HOME=/opt/jdk-17 is not a JDK 25 or later");
  }

  /** A JDK home with a release file and an executable bin/java (null version: no release file). */
  private static Path fakeJdk(Path home, String version) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
    java.toFile().setExecutable(true);
    if (version != null) {
      Files.writeString(
          home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
    return home;
  }

  /**
   * A JVM older than 25 on this machine: the case the launcher exists for. build.sh installs one
   * (default-jre-headless) when the machine has none.
   */
  private static Path olderJava() throws IOException {
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      homes.sorted().forEach(candidates::add);
    } catch (IOException noJvmDirectory) {
      // only /usr/bin/java below
    }
    for (Path home : candidates) {
      int release = Launcher.releaseOf(home.toFile());
      if (release >= 8 && release < Launcher.REQUIRED) {
        return home.resolve("bin/java");
      }
    }
    throw new AssertionError(
        "no JVM older than 25 in /usr/lib/jvm to run the launcher on: apt-get install"
            + " default-jre-headless (./build.sh test installs it)");
  }

  private static Path jar(Path dir) throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
    main.putValue(Launcher.START_CLASS, PrintsItsJava.class.getName());
    Path jar = dir.resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      for (Class<?> type : List.of(Launcher.class, PrintsItsJava.class)) {
        String entry = type.getName().replace('.', '/') + ".class";
        Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (Stream<Path> files = Files.walk(classes)) {
          for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
            String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
            if (name.startsWith(entry.substring(0, entry.length() - ".class".length()))) {
              jarOut.putNextEntry(new JarEntry(name));
              jarOut.write(Files.readAllBytes(file));
              jarOut.closeEntry();
            }
          }
        }
      }
    }
    return jar;
  }

  private record Run(int exit, String output) {}

  /** Runs {@code java} with JAVA_HOME as given ("" unsets it), output and errors together. */
  private static Run run(Path java, String javaHome, Object... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java.toString()));
    for (Object a : args) {
      command.add(a.toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove(Launcher.RELAUNCHED);
    if (javaHome.isEmpty()) {
      builder.environment().remove("JAVA_HOME");
    } else {
      builder.environment().put("JAVA_HOME", javaHome);
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }
}
