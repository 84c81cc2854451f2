package dev.capkit.netem;

import dev.capkit.netem.toxic.Toxic;
import java.util.function.BooleanSupplier;

/** Shared bits of the per-toxic tests. */
final class ToxicTests {
  private ToxicTests() {}

  static ToxicSpec spec(String name, Direction d, Toxic t) {
    return new ToxicSpec(name, d, 1.0, t);
  }

  static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }

  /** Polls {@code condition} every 5 ms for up to {@code timeoutMs}. */
  static boolean eventually(long timeoutMs, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(5);
    }
    return condition.getAsBoolean();
  }
}
