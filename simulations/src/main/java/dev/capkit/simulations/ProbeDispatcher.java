package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.LoadShape;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends a capacity search's load: for each probe the {@link SearchDriver} plans, open-loop arrivals
 * at the probe's rate with the scenario's gaps ({@link Gaps}: Poisson unless {@code load.arrivals}
 * says otherwise), from the warm-up's start to the window's end or the probe's early stop. Each
 * request is sent at its intended time (lateness is schedule lag, as in a ladder), through the
 * scenario's concurrency cap when it has one, and recorded in the run's step of its intended send
 * time (warm-up requests are sent and never recorded). The arrivals are seeded by the scenario's
 * seed; their contents by their sequence number, so two runs of the same search plan send the same
 * requests as long as the search takes the same turns.
 *
 * <p>It runs on its own thread and never blocks a Gatling event loop; Gatling drives it through one
 * user whose action ends when the search is over, and sees every request through {@code report}.
 */
public final class ProbeDispatcher implements SearchDispatcher {
  private final SearchDriver driver;
  private final LoadRun run;
  private final RequestSource source;
  private final RequestFactory factory;
  private final Gaps gaps;
  private final double[] mixWeights;
  private final SplittableRandom rng;
  private final AtomicLong sequence = new AtomicLong();

  public ProbeDispatcher(SearchDriver driver, LoadRun run, RequestSource source, RequestFactory factory) {
    this.driver = driver;
    this.run = run;
    this.source = source;
    this.factory = factory;
    var scenario = driver.scenario();
    if (!(scenario.load() instanceof LoadShape.Open open)) {
      throw new IllegalArgumentException("scenario " + scenario.name() + ": only an open-loop search is dispatched here");
    }
    this.gaps = new Gaps(open.burstiness());
    this.mixWeights = ArrivalSchedule.cumulativeWeights(scenario.mix());
    this.rng = new SplittableRandom(scenario.seed() ^ 0x5EA4_C400_0000_0000L);
  }

  /**
   * Starts the search's load on a thread of its own; the future completes when the search is over
   * (its last probe's step has closed, so every request it judged has ended).
   *
   * @param report told about every finished request (Gatling's stats), on the client's threads
   */
  @Override
  public CompletableFuture<Void> start(Consumer<RequestRecord> report) {
    return SearchDispatcher.probeByProbe("capkit-probe-dispatcher", run, driver, probe -> send(probe, report), () -> { });
  }

  private void send(ProbeWindow probe, Consumer<RequestRecord> report) {
    double meanGap = 1e9 / probe.plan().rate();
    double t = probe.warmupStartNanos() + gaps.first(rng, meanGap);
    try {
      while (t < probe.sendEndNanos()) {
        long intended = (long) t;
        if (!sleepUntil(intended, probe)) {
          break; // stopped early while waiting
        }
        dispatch(probe, intended, report);
        t += gaps.next(rng, meanGap);
      }
    } finally {
      probe.sendingDone();
    }
  }

  private void dispatch(ProbeWindow probe, long intended, Consumer<RequestRecord> report) {
    long n = sequence.getAndIncrement();
    int step = probe.stepAt(intended);
    Arrival arrival = new Arrival(n, step, intended - run.origin(), ArrivalSchedule.pick(rng, mixWeights), n);
    RequestSource.Planned planned = new RequestSource.Planned(factory.forArrival(arrival), step, intended, true);
    run.register(step);
    if (step >= 0) {
      probe.sent(n, intended);
    }
    run.sending(step);
    source.send(planned).whenComplete((record, error) -> {
      RequestRecord r = record != null ? record : source.crashed(planned, error);
      if (step >= 0) {
        probe.ended(n, r);
      }
      run.record(step, r);
      report.accept(r);
    });
  }

  /** Sleeps until {@code nanoTime}; false when the probe stopped early meanwhile. */
  private static boolean sleepUntil(long nanoTime, ProbeWindow probe) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      if (probe.stoppedEarly()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(wait, 20_000_000L));
    }
    return !probe.stoppedEarly() || nanoTime < probe.sendEndNanos();
  }
}
