package dev.capkit.simulations;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Holds one "closer" user until the {@link LoadRun} has closed every step, so that Gatling's stats
 * engine is still open when the last step's objective verdicts are reported (Gatling stops when its
 * last user ends, which can be before the last step is written).
 */
final class AwaitStepsAction extends JavaAction {
  private final LoadRun run;
  private final Duration max;
  private final Action next;

  AwaitStepsAction(LoadRun run, Duration max, Action next) {
    this.run = run;
    this.max = max;
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
        run.awaitSteps(max);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // the failure is reported again, with context, when after() collects the steps
      }
    }).whenComplete((ok, error) -> session.eventLoop().execute(() -> next.$bang(session)));
  }
}
