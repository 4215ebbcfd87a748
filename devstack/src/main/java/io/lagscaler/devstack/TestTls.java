package io.lagscaler.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed key material for a TLS test, made with the JDK's keytool: a broker key pair for
 * localhost and 127.0.0.1, a client key pair, and one trust store holding both certificates (the
 * broker trusts the client, the client trusts the broker). PKCS12, one password for everything.
 */
public record TestTls(Path brokerKeyStore, Path clientKeyStore, Path trustStore, String password) {

  /** Makes the stores in {@code dir}. */
  public static TestTls create(Path dir) {
    String password = "test-" + Long.toHexString(System.nanoTime());
    Path broker = dir.resolve("broker.p12");
    Path client = dir.resolve("client.p12");
    Path trust = dir.resolve("trust.p12");
    keyPair(dir, broker, "broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", password);
    keyPair(dir, client, "client", "CN=lag-scaler", null, password);
    for (String alias : List.of("broker", "client")) {
      Path cert = dir.resolve(alias + ".crt");
      Path store = alias.equals("broker") ? broker : client;
      keytool(
          dir,
          "-exportcert",
          "-alias",
          alias,
          "-keystore",
          store.toString(),
          "-storepass",
          password,
          "-file",
          cert.toString());
      keytool(
          dir,
          "-importcert",
          "-noprompt",
          "-alias",
          alias,
          "-file",
          cert.toString(),
          "-keystore",
          trust.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
    }
    return new TestTls(broker, client, trust, password);
  }

  private static void keyPair(
      Path dir, Path store, String alias, String name, String extension, String password) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                name,
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-keypass",
                password));
    if (extension != null) {
      args.addAll(List.of("-ext", extension));
    }
    keytool(dir, args.toArray(String[]::new));
  }

  private static void keytool(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Path log = dir.resolve("keytool.log");
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running keytool", e);
    }
  }
}
