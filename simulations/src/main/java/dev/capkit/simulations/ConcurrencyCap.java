package dev.capkit.simulations;

import java.util.ArrayDeque;

/**
 * At most {@code max} requests in flight: a start that finds every slot taken waits, in arrival
 * order, until a request ends. Never blocks a thread (the waiting start runs on the thread that
 * released the slot).
 */
final class ConcurrencyCap {
  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  ConcurrencyCap(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("concurrency cap " + max + " must be at least 1");
    }
    this.max = max;
  }

  /** Runs {@code start} now if a slot is free, else when one frees up; the started request must {@link #release()}. */
  void run(Runnable start) {
    synchronized (this) {
      if (inFlight >= max) {
        waiting.add(start);
        return;
      }
      inFlight++;
    }
    start.run();
  }

  /** A request ended: its slot goes to the longest-waiting start, if any. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
