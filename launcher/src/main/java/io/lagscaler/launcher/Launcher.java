package io.lagscaler.launcher;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Main-Class of lag-scaler's runnable jars. Compiled for Java 8 so that {@code java -jar} on an
 * older default java (17 on Debian 12) gets this far: on a JVM older than 25 it runs the same jar
 * again on a JDK 25 ({@code JAVA_HOME}, or one found in the usual places), with the same JVM
 * options and arguments and this terminal; on 25 it calls the jar's {@code Start-Class}.
 */
public final class Launcher {

  /** The Java release every module is compiled for. */
  static final int REQUIRED = 25;

  /** The manifest attribute naming the real main class. */
  static final String START_CLASS = "Start-Class";

  /** Set in the restarted JVM, so a JDK that is not what its release file says cannot loop. */
  static final String RELAUNCHED = "LAGSCALER_LAUNCHER_RELAUNCHED";

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    File jar = jarOfThisClass();
    String startClass = startClass(jar);
    int running = major(System.getProperty("java.specification.version"));
    if (running >= REQUIRED) {
      start(startClass, args);
      return;
    }
    String self = new File(System.getProperty("java.home"), "bin/java").getPath();
    if (System.getenv(RELAUNCHED) != null) {
      System.err.println(
          "lag-scaler needs Java "
              + REQUIRED
              + ", and was restarted on Java "
              + running
              + " ("
              + self
              + ") although that JDK's release file says "
              + REQUIRED
              + " or later.");
      System.exit(1);
    }
    File jdk = findJdk(System.getenv("JAVA_HOME"), searchRoots(System.getProperty("user.home")));
    if (jdk == null) {
      System.err.println(noJdkMessage(running, self, System.getenv("JAVA_HOME")));
      System.exit(1);
    }
    System.exit(relaunch(jdk, jar, args));
  }

  /** The text for a machine without a JDK 25. */
  static String noJdkMessage(int running, String java, String javaHome) {
    return "lag-scaler needs Java "
        + REQUIRED
        + ", and this is Java "
        + running
        + " ("
        + java
        + ")"
        + (javaHome == null || javaHome.isEmpty()
            ? "; JAVA_HOME is not set"
            : "; JAVA_HOME=" + javaHome + " is not a JDK " + REQUIRED + " or later")
        + ", and no JDK "
        + REQUIRED
        + " was found in /usr/lib/jvm or the other usual places.\n"
        + "Install one (e.g. Temurin 25: https://adoptium.net/installation/linux/) and set"
        + " JAVA_HOME to it, e.g. export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64";
  }

  /** The major release of a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
  static int major(String specificationVersion) {
    String v =
        specificationVersion.startsWith("1.")
            ? specificationVersion.substring(2)
            : specificationVersion;
    int dot = v.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The major release of the JDK or JRE at {@code home}, from its {@code release} file ({@code
   * JAVA_VERSION="25.0.3"}), or -1 when it has none or no {@code bin/java}.
   */
  static int releaseOf(File home) {
    File release = new File(home, "release");
    if (!release.isFile() || javaIn(home) == null) {
      return -1;
    }
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                Files.newInputStream(release.toPath()), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("JAVA_VERSION=")) {
          return major(line.substring("JAVA_VERSION=".length()).replace("\"", "").trim());
        }
      }
    } catch (IOException unreadable) {
      return -1;
    }
    return -1;
  }

  /**
   * The JDK to restart on: {@code javaHome} when it is {@value #REQUIRED} or later, else the newest
   * such JDK directly under one of {@code roots} (or under its {@code Contents/Home}, as on macOS);
   * null when there is none.
   */
  static File findJdk(String javaHome, List<File> roots) {
    if (javaHome != null && !javaHome.isEmpty() && releaseOf(new File(javaHome)) >= REQUIRED) {
      return new File(javaHome);
    }
    File best = null;
    int bestRelease = -1;
    for (File root : roots) {
      File[] children = root.listFiles();
      if (children == null) {
        continue;
      }
      Arrays.sort(children);
      for (File child : children) {
        for (File home : new File[] {child, new File(child, "Contents/Home")}) {
          int release = releaseOf(home);
          if (release >= REQUIRED && release > bestRelease) {
            best = home;
            bestRelease = release;
          }
        }
      }
    }
    return best;
  }

  /** Where JDKs are installed by Debian and Ubuntu, RPM distributions, macOS, SDKMAN! and IDEs. */
  static List<File> searchRoots(String userHome) {
    List<File> roots = new ArrayList<>();
    for (String dir :
        new String[] {
          "/usr/lib/jvm", "/usr/java", "/opt/java", "/Library/Java/JavaVirtualMachines"
        }) {
      roots.add(new File(dir));
    }
    if (userHome != null) {
      roots.add(new File(userHome, ".sdkman/candidates/java"));
      roots.add(new File(userHome, ".jdks"));
    }
    return roots;
  }

  private static File javaIn(File home) {
    for (String name : new String[] {"bin/java", "bin/java.exe"}) {
      File java = new File(home, name);
      if (java.isFile() && java.canExecute()) {
        return java;
      }
    }
    return null;
  }

  /** Runs the jar on {@code jdk} with this JVM's options, and returns its exit code. */
  private static int relaunch(File jdk, File jar, String[] args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaIn(jdk).getPath());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-jar");
    command.add(jar.getPath());
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put(RELAUNCHED, "1");
    // What the jar starts (the demo's broker and services) runs on the same JDK.
    builder.environment().put("JAVA_HOME", jdk.getPath());
    final Process child = builder.start();
    // Ctrl-C reaches both JVMs; a SIGTERM to this one alone (kill, a service manager) is passed on,
    // and this one waits for the child's own shutdown (the demo stops its processes).
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (child.isAlive()) {
                    child.destroy();
                    try {
                      child.waitFor(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                },
                "launcher-stop-child"));
    return child.waitFor();
  }

  private static void start(String startClass, String[] args) throws Throwable {
    try {
      Class.forName(startClass).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static File jarOfThisClass() {
    try {
      return new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the jar of " + Launcher.class.getName(), e);
    }
  }

  private static String startClass(File jar) throws IOException {
    String name = null;
    if (jar.isFile()) {
      try (JarFile file = new JarFile(jar)) {
        Manifest manifest = file.getManifest();
        name = manifest == null ? null : manifest.getMainAttributes().getValue(START_CLASS);
      }
    }
    if (name == null) {
      throw new IllegalStateException(
          jar
              + " has no "
              + START_CLASS
              + " in its manifest: the launcher cannot know what to run");
    }
    return name;
  }
}
