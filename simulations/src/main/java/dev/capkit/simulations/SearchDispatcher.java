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
}
