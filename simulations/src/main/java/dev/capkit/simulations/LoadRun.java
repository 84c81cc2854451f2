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
  private final List<StepPlan> steps;
  private final RunWriter writer;
  private final PrintStream out;
  private final long[] expectedPerStep;
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
    this.networkApplied = networkApplied;
    this.scenario = scenario;
    this.steps = scenario.steps();
    this.writer = writer;
    this.out = out;
    this.expectedPerStep = expectedPerStep;
    this.registered = new AtomicLongArray(steps.size());
    this.finished = new AtomicLongArray(steps.size());
    this.recorders = new StepRecorder[steps.size()];
    this.leadInNanos = scenario.load().leadIn().toNanos();
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
      for (StepPlan step : steps) {
        long windowEnd = origin.get() + leadInNanos + step.end().toNanos();
        sleepUntil(origin.get() + leadInNanos + step.start().toNanos());
        if (step.index() > 0) {
          onStepStart.accept(step); // step 0's conditions are set before load starts
        }
        recorder(step.index()); // open the logs when the window opens, even if nothing is sent
        sleepUntil(windowEnd);
        long deadline = windowEnd + totalTimeout + GRACE_NANOS;
        while (!drained(step.index()) && System.nanoTime() < deadline) {
          LockSupport.parkNanos(20_000_000L);
        }
        onStepClosing.accept(step.index());
        writer.flush();
        StepSummary summary = writer.finishStep(recorder(step.index()), step.duration().toNanos() / 1e9,
            networkApplied || "none".equals(step.network()));
        synchronized (summaries) {
          summaries.add(summary);
        }
        out.print(StepTable.row(summary));
        out.flush();
        onStepClosed.accept(summary);
      }
    } catch (IOException e) {
      failure = new UncheckedIOException("writing results failed", e);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      done.countDown();
    }
  }

  private boolean drained(int step) {
    long reg = registered.get(step);
    boolean allRegistered = expectedPerStep == null || reg >= expectedPerStep[step];
    return allRegistered && finished.get(step) >= reg;
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
