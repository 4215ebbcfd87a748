package io.lagscaler.launcher;

import java.util.Arrays;

/** A Start-Class compiled for Java 25: says where it runs, then exits with a code of its own. */
public final class PrintsItsJava {

  private PrintsItsJava() {}

  public static void main(String[] args) {
    System.out.println(
        "java "
            + Runtime.version().feature()
            + " args "
            + Arrays.toString(args)
            + " JAVA_HOME "
            + System.getenv("JAVA_HOME"));
    System.exit(3);
  }
}
