package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Sends a capacity search's load from a thread of its own, probe after probe as the
 * {@link SearchDriver} plans them: open-loop arrivals ({@link ProbeDispatcher}) or closed-loop phone
 * agents ({@link AgentDispatcher}). Gatling drives it through one user ({@code ProbeDispatchAction}).
 */
public interface SearchDispatcher {
  /**
   * Starts the search's load; the future completes when the search is over (its last probe's step
   * has closed).
   *
   * @param report told about every finished request (Gatling's stats), on the client's threads
   */
  CompletableFuture<Void> start(Consumer<RequestRecord> report);

  /** Sends one probe's load; returns once the probe needs nothing more from the sender. */
  @FunctionalInterface
  interface ProbeSender {
    void send(ProbeWindow probe) throws InterruptedException;
  }

  /**
   * Starts the run's clock and, on a daemon thread named {@code threadName}, hands every probe the
   * driver plans to {@code sender}, one after another; the future completes when the search is over,
   * or exceptionally with what stopped the sender. {@code onEnd} runs on that thread at the end.
   */
  static CompletableFuture<Void> probeByProbe(String threadName, LoadRun run, SearchDriver driver, ProbeSender sender,
      Runnable onEnd) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        run.startAt(System.nanoTime());
        ProbeWindow probe = null;
        while ((probe = driver.awaitProbeAfter(probe)) != null) {
          sender.send(probe);
        }
        done.complete(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        done.completeExceptionally(e);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      } finally {
        onEnd.run();
      }
    }, threadName);
    t.setDaemon(true);
    t.start();
    return done;
  }
}
