package dev.capkit.netem.toxic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A virtual clock for stage tests: time moves only when the test advances it, timers run then. */
final class VirtualContext implements ToxicContext {
  private long now = 1_000_000_000L;
  private final SplittableRandom random = new SplittableRandom(11);
  private final List<long[]> timerDue = new ArrayList<>();
  private final List<Runnable> timerTask = new ArrayList<>();
  int resets;
  int closes;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public SplittableRandom random() {
    return random;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    long[] due = {now + delayNanos};
    timerDue.add(due);
    timerTask.add(task);
    return () -> due[0] = Long.MAX_VALUE;
  }

  /** Advances the clock, running timers that fall due. */
  void advanceMs(long ms) {
    now += ms * 1_000_000L;
    for (int i = 0; i < timerDue.size(); i++) {
      if (timerDue.get(i)[0] <= now) {
        timerDue.get(i)[0] = Long.MAX_VALUE;
        timerTask.get(i).run();
      }
    }
  }

  @Override
  public void reset() {
    resets++;
  }

  @Override
  public void close() {
    closes++;
  }
}
