package dev.capkit.simulations;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;

/**
 * The one Gatling user of a capacity search: starts the {@link ProbeDispatcher} (which sends every
 * probe's requests from its own thread) and moves on when the search is over. Every request is
 * reported to Gatling's stats engine as {@link ChatAction} reports it, so Gatling's report and
 * assertions see the search's requests.
 */
final class ProbeDispatchAction extends JavaAction {
  private final SearchDispatcher dispatcher;
  private final StatsEngine statsEngine;
  private final Action next;

  ProbeDispatchAction(SearchDispatcher dispatcher, StatsEngine statsEngine, Action next) {
    this.dispatcher = dispatcher;
    this.statsEngine = statsEngine;
    this.next = next;
  }

  @Override
  public String name() {
    return "capacity-search";
  }

  @Override
  public void execute(Session session) {
    dispatcher.start(r -> ChatAction.report(statsEngine, session, r))
        .whenComplete((ok, error) -> session.eventLoop().execute(() -> next.$bang(error == null ? session : session.markAsFailed())));
  }
}
