package dev.capkit.core.search;

/**
 * The next probe the search asks for.
 *
 * @param index          0-based probe number in the search
 * @param rate           offered load (req/s, or agents)
 * @param warmupSeconds  unjudged load at this rate before the measured window
 * @param seconds        measured window
 * @param phase          {@code bracket}, {@code bisect} or {@code extend} (another look at an undecided rate)
 * @param look           1 for a rate's first probe, 2.. for its extensions
 * @param breakAt        per objective key, violations among the window's planned requests that show
 *                       it broken: the probe may stop as soon as any is reached
 * @param requests       requests the measured window is planned to hold (open loop: rate x seconds;
 *                       closed loop: from the agents' expected request rate)
 * @param designEffect   how clustered the window's requests are taken to be before it runs (a verdict
 *                       probe: the latest complete verdict probe's design effect; 1 for scouts): the
 *                       window is that much longer and {@code breakAt} that much higher than for
 *                       independent requests
 */
public record ProbePlan(int index, double rate, double warmupSeconds, double seconds, String phase, int look,
    java.util.Map<String, Long> breakAt, long requests, double designEffect) {

  /** A plan whose requests are taken as independent. */
  public ProbePlan(int index, double rate, double warmupSeconds, double seconds, String phase, int look,
      java.util.Map<String, Long> breakAt, long requests) {
    this(index, rate, warmupSeconds, seconds, phase, look, breakAt, requests, 1);
  }

  /** Requests the measured window is planned to hold at this rate. */
  public long plannedRequests() {
    return requests;
  }
}
