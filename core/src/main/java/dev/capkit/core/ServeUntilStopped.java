package dev.capkit.core;

import java.util.concurrent.CountDownLatch;

/**
 * How a standalone capkit service ({@code ./capkit emulator}, {@code ./capkit netem}) runs: until
 * the process is stopped (Ctrl-C, SIGTERM), then closes the service from a shutdown hook.
 *
 * <pre>{@code
 * ServeUntilStopped.await(emulator, "capkit-emulator-shutdown");   // returns when the JVM is stopping
 * }</pre>
 */
public final class ServeUntilStopped {
  private ServeUntilStopped() {}

  /** Blocks until the JVM shuts down; {@code service} is closed by the hook named {@code hookName}. */
  public static void await(AutoCloseable service, String hookName) {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.close();
      } catch (Exception e) {
        System.err.println(hookName + ": closing failed: " + e); // stderr: logging may already be shut down
      } finally {
        stop.countDown();
      }
    }, hookName));
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
