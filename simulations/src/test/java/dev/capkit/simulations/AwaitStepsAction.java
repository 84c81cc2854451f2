package dev.capkit.simulations;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.util.concurrent.CompletableFuture;

/**
 * Holds one "closer" user until the run is complete (every step closed and written, the regression
 * gate run when one is configured), so that Gatling's stats engine is still open when the last
 * step's objective verdicts and the gate's verdict are reported (Gatling stops when its last user
 * ends, which can be before the last step is written).
 */
final class AwaitStepsAction extends JavaAction {
  private final Runnable completeRun;
  private final Action next;

  /** @param completeRun blocking: waits for the steps and completes the run (runs off the event loop) */
  AwaitStepsAction(Runnable completeRun, Action next) {
    this.completeRun = completeRun;
    this.next = next;
  }

  @Override
  public String name() {
    return "await-steps";
  }

  @Override
  public void execute(Session session) {
    CompletableFuture.runAsync(() -> {
      try {
        completeRun.run();
      } catch (RuntimeException e) {
        // the failure is reported again, with context, when after() finishes the run
      }
    }).whenComplete((ok, error) -> session.eventLoop().execute(() -> next.$bang(session)));
  }
}
