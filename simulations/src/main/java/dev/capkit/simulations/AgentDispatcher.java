package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.LoadShape;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends a closed-loop capacity search's load ({@code load.model: closed} with {@code load.search}):
 * for each probe the {@link SearchDriver} plans, {@code rate} phone agents as Open-AutoGLM runs them.
 * Each agent works through tasks of {@code stepsPerTask} model calls (or a recorded session's), sends
 * a step, waits for its whole answer, then the think time, then the next step. Agents start staggered
 * over one think time at the warm-up's start.
 * <ul>
 *   <li>A step belongs to the probe's step of run.json when it is sent inside the measured window, else
 *       it is sent and not recorded (warm-up, or after the window);
 *   <li>a task whose first step is sent inside the window is judged on the task objectives when its
 *       last answer arrives; after the window every agent keeps working (so the load stays at N) until
 *       every judged task has finished, then stops;
 *   <li>the window ends once it holds its planned requests ({@link ProbeWindow#closeIfFull}), at its
 *       planned end at the latest, or when an objective is broken beyond doubt (then agents stop at once).
 * </ul>
 * Every probe starts new agents (ids unique over the search: a step's content is seeded by agent and
 * turn). Callbacks run on the client's threads and one timer thread; nothing blocks a Gatling event loop.
 */
public final class AgentDispatcher implements SearchDispatcher {
  private final SearchDriver driver;
  private final LoadRun run;
  private final RequestSource source;
  private final RequestFactory factory;
  private final LoadShape.Closed closed;
  private final SplittableRandom rng;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "capkit-agents-timer");
    t.setDaemon(true);
    return t;
  });
  /** The first exception an agent met (a capkit bug: a step that cannot be built); ends the dispatcher after its probe. */
  private volatile RuntimeException failure;

  public AgentDispatcher(SearchDriver driver, LoadRun run, RequestSource source, RequestFactory factory) {
    this.driver = driver;
    this.run = run;
    this.source = source;
    this.factory = factory;
    var scenario = driver.scenario();
    if (!(scenario.load() instanceof LoadShape.Closed c)) {
      throw new IllegalArgumentException("scenario " + scenario.name() + ": only a closed-loop (agents) search is dispatched here");
    }
    this.closed = c;
    this.rng = new SplittableRandom(scenario.seed() ^ 0xA6E7_5000_0000_0000L);
  }

  @Override
  public CompletableFuture<Void> start(Consumer<RequestRecord> report) {
    return SearchDispatcher.probeByProbe("capkit-agents-dispatcher", run, driver, probe -> runProbe(probe, report), timer::shutdownNow);
  }

  /** Starts the probe's agents and waits (on this dispatcher's own thread) until every one has stopped. */
  private void runProbe(ProbeWindow probe, Consumer<RequestRecord> report) throws InterruptedException {
    int n = (int) Math.max(1, Math.round(probe.plan().rate()));
    CountDownLatch stopped = new CountDownLatch(n);
    long think = closed.thinkTime().toNanos();
    for (int a = 0; a < n; a++) {
      Agent agent = new Agent(probe, report, stopped);
      long at = probe.warmupStartNanos() + (long) (rng.nextDouble() * think);
      timer.schedule(agent::step, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    try {
      stopped.await();
    } finally {
      probe.sendingDone();
    }
    if (failure != null) { // as the open-loop dispatcher: the search's user fails, with the cause
      throw new IllegalStateException("a phone agent of probe " + probe.plan().index() + " failed: " + failure, failure);
    }
  }

  private void failed(RuntimeException e, CountDownLatch stopped) {
    if (failure == null) {
      failure = e;
    }
    stopped.countDown(); // this agent stops; the probe still ends
  }

  /** One phone agent of one probe: its task, turn, and the chain send, answer, think, send... */
  private final class Agent {
    private final ProbeWindow probe;
    private final Consumer<RequestRecord> report;
    private final CountDownLatch stopped;
    private int turn;
    private int turns;
    private long task = -1;
    private boolean judged;

    Agent(ProbeWindow probe, Consumer<RequestRecord> report, CountDownLatch stopped) {
      this.probe = probe;
      this.report = report;
      this.stopped = stopped;
    }

    void step() {
      long now = System.nanoTime();
      if (!keepGoing(now)) {
        stopped.countDown();
        return;
      }
      try {
        send(now);
      } catch (RuntimeException e) {
        failed(e, stopped); // a request that cannot even be built
      }
    }

    /** Broken beyond doubt: stop now. Otherwise finish a judged task, and keep the load on while any judged task runs. */
    private boolean keepGoing(long now) {
      if (probe.stoppedEarly()) {
        return false;
      }
      if (judged && turn > 0) {
        return true;
      }
      return now < probe.sendEndNanos() || probe.tasksRunning();
    }

    private void send(long now) {
      if (turn == 0) {
        task = tasks.getAndIncrement();
        turns = factory.turnsOfTask(task, closed.stepsPerTask());
        judged = probe.inWindow(now);
        if (judged) {
          probe.taskStarted(task, now);
        }
      }
      boolean window = probe.inWindow(now);
      int step = window ? probe.step().index() : ArrivalSchedule.LEAD_IN;
      long n = requests.getAndIncrement();
      RequestSource.Planned planned = new RequestSource.Planned(factory.forAgentTurn(task, turn), step, now, false); // content per task instance
      run.register(step);
      if (window) {
        probe.sent(n, now);
        probe.closeIfFull(now);
      }
      run.sending(step);
      source.send(planned).whenComplete((record, error) -> {
        RequestRecord r = record != null ? record : source.crashed(planned, error);
        if (window) {
          probe.ended(n, r);
        }
        try {
          run.record(step, r);
          report.accept(r);
          answered(r);
        } catch (RuntimeException e) {
          failed(e, stopped);
        }
      });
    }

    private void answered(RequestRecord r) {
      if (judged) {
        probe.taskStep(task, probe.metAll(r));
      }
      int done = turn;
      turn++;
      if (turn >= turns) {
        if (judged) {
          probe.taskEnded(task, turns, System.nanoTime());
        }
        turn = 0;
        judged = false;
      }
      long think = factory.thinkAfter(task, done, closed.thinkTime()).toNanos();
      timer.schedule(this::step, think, TimeUnit.NANOSECONDS);
    }
  }
}
