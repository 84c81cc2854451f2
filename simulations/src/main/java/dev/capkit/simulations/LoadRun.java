package dev.capkit.simulations;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.StepRecorder;
import dev.capkit.core.results.StepSummary;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.StepPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of one load run: the step clock (which step a request belongs to), the results
 * writer, in-flight counts per step, and a supervisor thread that closes each step once its
 * window has passed and its requests have all ended, then prints the step's row.
 *
 * <p>A request belongs to the step of its intended send time (open loop) or actual send time
 * (closed loop). Steps are closed in order; a step is closed when every request it owns has a
 * record, or when the whole-request timeout plus a grace period has passed since its window ended.
 * The first step opens after the scenario's lead-in (ramp-up and warm-up): requests sent in it
 * exercise the client path and the target but are never recorded.
 */
public final class LoadRun {
  private static final long GRACE_NANOS = 2_000_000_000L;

  private final Scenario scenario;
  /** Steps planned so far: all of them for a ladder, one more per probe for a capacity search. */
  private final List<StepPlan> steps;
  private final RunWriter writer;
  private final PrintStream out;
  private final StepSequence sequence;
  private final AtomicLongArray registered;
  private final AtomicLongArray finished;
  private final StepRecorder[] recorders;
  private final List<StepSummary> summaries = new ArrayList<>();
  private final AtomicLong origin = new AtomicLong();
  private final CountDownLatch done = new CountDownLatch(1);
  private final boolean networkApplied;
  /** Ramp-up and warm-up before the first step: sent, never recorded. */
  private final long leadInNanos;
  private volatile Thread supervisor;
  private volatile RuntimeException failure;
  private volatile java.util.function.Consumer<StepSummary> onStepClosed = s -> { };
  private volatile java.util.function.Consumer<StepPlan> onStepStart = s -> { };
  private volatile java.util.function.IntConsumer onStepClosing = s -> { };
  private volatile java.util.function.BiConsumer<Integer, RequestRecord> recordTap = (step, r) -> { };
  // -Dcapkit.metricsPort (live metrics), -Dcapkit.requestLog (requests.jsonl): told about every request
  private final List<dev.capkit.core.results.RequestObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param expectedPerStep for open loop, the planned arrivals per step (the step closes only after
   *                        all were registered); null for closed loop
   * @param networkApplied  whether steps' network profiles are really injected (netem in the path)
   */
  public LoadRun(Scenario scenario, RunWriter writer, PrintStream out, long[] expectedPerStep, boolean networkApplied) {
    this(scenario, writer, out, StepSequence.fixed(scenario.steps(), expectedPerStep), scenario.steps().size(), networkApplied);
  }

  /**
   * A run whose steps come from {@code sequence} as it goes (a capacity search's probes): each step
   * the sequence returns is added to run.json's planned steps before its window opens.
   *
   * @param maxSteps most steps the sequence may return
   */
  public LoadRun(Scenario scenario, RunWriter writer, PrintStream out, StepSequence sequence, int maxSteps,
      boolean networkApplied) {
    this.networkApplied = networkApplied;
    this.scenario = scenario;
    this.steps = new java.util.concurrent.CopyOnWriteArrayList<>(scenario.searches() ? List.of() : scenario.steps());
    this.writer = writer;
    this.out = out;
    this.sequence = sequence;
    this.registered = new AtomicLongArray(maxSteps);
    this.finished = new AtomicLongArray(maxSteps);
    this.recorders = new StepRecorder[maxSteps];
    // a search warms up before each probe instead (unrecorded, at the probe's rate)
    this.leadInNanos = scenario.searches() ? 0 : scenario.load().leadIn().toNanos();
  }

  /** Sets the run origin (first call wins) and starts the supervisor. Returns the origin in use. */
  public long startAt(long originNanos) {
    if (origin.compareAndSet(0, originNanos)) {
      Thread t = new Thread(this::supervise, "capkit-step-supervisor");
      t.setDaemon(true);
      supervisor = t;
      t.start();
    }
    return origin.get();
  }

  public long origin() {
    return origin.get();
  }

  /** Where step offsets count from: the origin plus the lead-in (ramp-up, warm-up); 0 until load starts. */
  public long stepsOrigin() {
    long o = origin.get();
    return o == 0 ? 0 : o + leadInNanos;
  }

  public boolean started() {
    return origin.get() != 0;
  }

  /**
   * Step index owning a send at {@code nanoTime}: -1 when it is past the last step,
   * {@link ArrivalSchedule#LEAD_IN} during the ramp-up and warm-up before the first.
   */
  public int stepAt(long nanoTime) {
    long offset = nanoTime - origin.get() - leadInNanos;
    if (offset < 0) {
      return ArrivalSchedule.LEAD_IN;
    }
    for (StepPlan s : steps) {
      if (offset < s.end().toNanos()) {
        return s.index();
      }
    }
    return -1;
  }

  /** Called on the supervisor thread when each step after the first opens (e.g. to switch network profile). */
  public void onStepStart(java.util.function.Consumer<StepPlan> listener) {
    this.onStepStart = listener;
  }

  /**
   * Called on the supervisor thread when a step's drain time is over, just before its figures are
   * computed (to record planned requests that were never sent).
   */
  public void onStepClosing(java.util.function.IntConsumer listener) {
    this.onStepClosing = listener;
  }

  /** Called on the supervisor thread after each step is written and printed. */
  public void onStepClosed(java.util.function.Consumer<StepSummary> listener) {
    this.onStepClosed = listener;
  }

  /** Whether load is over (past the last step's window). */
  public boolean over(long nanoTime) {
    return stepAt(nanoTime) == -1;
  }

  /** A request of {@code step} is about to be sent (or scheduled). */
  public void register(int step) {
    if (step < 0) {
      return; // lead-in: not recorded
    }
    registered.incrementAndGet(step);
    observers.forEach(o -> o.planned(step));
  }

  /** A registered request of {@code step} is being sent (feeds the live in-flight count). */
  public void sending(int step) {
    if (step >= 0) {
      observers.forEach(o -> o.sent(step));
    }
  }

  /** Also tells {@code observer} about every planned, sent and ended request. */
  public void observe(dev.capkit.core.results.RequestObserver observer) {
    observers.add(observer);
  }

  /** A registered request of {@code step} ended with {@code record}. */
  public void record(int step, RequestRecord record) {
    if (step < 0) {
      return; // a ramp-up or warm-up request: it warmed the client path; its figures are not kept
    }
    recorder(step).record(record);
    recordTap.accept(step, record);
    observers.forEach(o -> o.ended(step, record));
    finished.incrementAndGet(step);
  }

  /**
   * Also hands every record to {@code tap} (on the client's I/O thread: keep it short). Benchmarks
   * use it to join client records with server-side timings.
   */
  public void tapRecords(java.util.function.BiConsumer<Integer, RequestRecord> tap) {
    this.recordTap = tap;
  }

  private synchronized StepRecorder recorder(int step) {
    if (recorders[step] == null) {
      try {
        recorders[step] = writer.startStep(steps.get(step), scenario.slo());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open interval logs of step " + steps.get(step).id(), e);
      }
    }
    return recorders[step];
  }

  private void supervise() {
    try {
      out.print(StepTable.header(writer.manifest().target().basis()));
      out.flush();
      long totalTimeout = scenario.timeouts().total().toNanos();
      StepSummary closed = null;
      for (StepPlan step = sequence.next(null); step != null; step = sequence.next(closed)) {
        if (step.index() >= recorders.length) {
          throw new IllegalStateException("step " + step.id() + " is past the run's " + recorders.length + " steps");
        }
        if (step.index() == steps.size()) {
          steps.add(step);
          writer.planStep(step); // run.json lists it as planned before anything of it is recorded
        }
        long windowStart = origin.get() + leadInNanos + step.start().toNanos();
        long windowEnd = windowStart + step.duration().toNanos();
        sleepUntil(windowStart);
        if (step.index() > 0) {
          onStepStart.accept(step); // step 0's conditions are set before load starts
        }
        recorder(step.index()); // open the logs when the window opens, even if nothing is sent
        long end = sleepUntilOrStopped(windowEnd, step.index());
        long deadline = end + totalTimeout + GRACE_NANOS;
        while (!drained(step.index()) && System.nanoTime() < deadline) {
          LockSupport.parkNanos(20_000_000L);
        }
        onStepClosing.accept(step.index());
        writer.flush();
        double window = end == windowEnd ? step.duration().toNanos() / 1e9 : (end - windowStart) / 1e9;
        StepSummary summary = writer.finishStep(recorder(step.index()), window,
            networkApplied || "none".equals(step.network()));
        synchronized (summaries) {
          summaries.add(summary);
        }
        out.print(StepTable.row(summary));
        out.flush();
        onStepClosed.accept(summary);
        closed = summary;
      }
    } catch (IOException e) {
      failure = new UncheckedIOException("writing results failed", e);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      done.countDown();
    }
  }

  /** Sleeps to the window's end, or until the sequence stops the step early; returns when the window ended. */
  private long sleepUntilOrStopped(long windowEnd, int step) {
    long now;
    while ((now = System.nanoTime()) < windowEnd) {
      if (sequence.stopEarly(step)) {
        return now;
      }
      LockSupport.parkNanos(Math.min(windowEnd - now, 50_000_000L));
    }
    return windowEnd;
  }

  private boolean drained(int step) {
    long reg = registered.get(step);
    return sequence.allRegistered(step, reg) && finished.get(step) >= reg;
  }

  private static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(wait, 100_000_000L));
    }
  }

  /**
   * Waits for every step to be closed and returns their summaries. Throws when the supervisor
   * failed, or when the run did not finish within {@code max}.
   */
  public List<StepSummary> awaitSteps(Duration max) throws InterruptedException {
    if (!done.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("steps did not close within " + max + "; results so far are in " + writer.folder());
    }
    if (failure != null) {
      throw failure;
    }
    synchronized (summaries) {
      return List.copyOf(summaries);
    }
  }

  public RunWriter writer() {
    return writer;
  }

  public Scenario scenario() {
    return scenario;
  }

  /** Final status written to run.json. */
  public void complete(String gatlingReport, boolean ok) throws IOException {
    writer.complete(ok ? RunManifest.COMPLETE : RunManifest.FAILED, gatlingReport);
    writer.close();
  }
}
