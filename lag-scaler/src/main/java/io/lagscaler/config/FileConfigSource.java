package io.lagscaler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A config file for local runs, read at start and again whenever its modification time changes
 * (checked every 2 s), so local runs reload live like the ConfigMap does in a cluster.
 */
public final class FileConfigSource implements AutoCloseable {

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("config-file-watch").unstarted(r));
  private final Path file;
  private final BiConsumer<String, String> onConfig;
  private FileTime seen;

  private FileConfigSource(Path file, BiConsumer<String, String> onConfig) {
    this.file = file;
    this.onConfig = onConfig;
  }

  /** Offers the file now, then every change. */
  public static FileConfigSource watch(Path file, BiConsumer<String, String> onConfig) {
    FileConfigSource source = new FileConfigSource(file, onConfig);
    source.check();
    source.timer.scheduleWithFixedDelay(source::check, 2, 2, TimeUnit.SECONDS);
    return source;
  }

  private synchronized void check() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (!modified.equals(seen)) {
        seen = modified;
        onConfig.accept(Files.readString(file), "file " + file);
      }
    } catch (IOException e) {
      if (seen != null || e instanceof java.nio.file.NoSuchFileException) {
        onConfig.accept("", "file " + file + " (unreadable: " + e.getMessage() + ")");
      }
      seen = null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
