package dev.capkit.simulations.bench;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.simulations.Arrival;
import dev.capkit.simulations.CapkitSimulation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Benchmark of capkit's own load path: the whole main job (Gatling injection, capkit's action and
 * client, results writing) against the embedded emulator's {@code instant} profile, which spends
 * no simulated GPU time, in the same JVM on the same cores. For each step of a QPS ladder it
 * reports whether the rate was sustained, and the client-side overhead on TTFT.
 *
 * <ul>
 *   <li><b>offered</b>: the planned arrivals of the step / step duration (the seeded plan is exact);
 *   <li><b>achieved</b>: capkit's one definition (run.json, README, planner): successful requests the
 *       step sent (by intended send time) / step duration;
 *   <li><b>in-window</b>: successful responses that <em>completed</em> inside the step's window / step
 *       duration; a load generator that falls behind sends late and completes less inside the window;
 *   <li><b>sustained</b>: achieved and in-window both within 1% of offered, and at most 1% errors;
 *   <li><b>overhead</b>: per request, client TTFT minus server TTFT (request decoded to first content
 *       chunk written, reported by the emulator on the same {@code nanoTime} clock): what the client,
 *       loopback and HTTP layers add. Its p50/p99 per step.
 * </ul>
 *
 * <pre>
 * mvn gatling:test -Dcapkit.simulation=dev.capkit.simulations.bench.ClientCeilingSimulation -Dcapkit.scenario=bench/ceiling-chat
 * mvn gatling:test -Dcapkit.simulation=dev.capkit.simulations.bench.ClientCeilingSimulation -Dcapkit.scenario=bench/ceiling-phone
 * </pre>
 */
public class ClientCeilingSimulation extends CapkitSimulation {
  private final List<StepPlan> steps = setup.scenario().steps();
  private final long[] planned = new long[steps.size()];
  private final AtomicLongArray completedInWindow = new AtomicLongArray(steps.size());
  private final AtomicLongArray succeeded = new AtomicLongArray(steps.size());
  private final AtomicLongArray failed = new AtomicLongArray(steps.size());
  private final Recorder[] overhead = new Recorder[steps.size()];
  private final Map<String, Long> serverTtft = new ConcurrentHashMap<>();

  {
    if (setup.emulator() == null || setup.schedule() == null) {
      throw new IllegalStateException("the ceiling benchmark needs the embedded emulator (no -Dcapkit.target) and an open-loop scenario");
    }
    for (Arrival a : setup.schedule().arrivals()) {
      if (a.step() >= 0) { // warm-up arrivals are not recorded
        planned[a.step()]++;
      }
    }
    for (int i = 0; i < overhead.length; i++) {
      overhead[i] = new Recorder(3);
    }
    setup.emulator().metrics().onFirstContentWritten(serverTtft::put);
    setup.run().tapRecords(this::tap);
  }

  private void tap(int step, RequestRecord r) {
    if (!r.ok()) {
      failed.incrementAndGet(step);
      return;
    }
    succeeded.incrementAndGet(step);
    long completedNanos = System.nanoTime();
    long offset = completedNanos - setup.run().stepsOrigin();
    StepPlan plan = steps.get(step);
    if (offset >= plan.start().toNanos() && offset < plan.end().toNanos()) {
      completedInWindow.incrementAndGet(step);
    }
    Long server = serverTtft.remove(r.requestId());
    if (server != null && r.ttftNanos() >= 0) {
      overhead[step].recordValue(Math.max(0, r.ttftNanos() - server) / 1000);
    }
  }

  @Override
  public void after() {
    super.after();
    System.out.println();
    System.out.println("client ceiling (" + Runtime.getRuntime().availableProcessors() + " cores; load generator and emulator in one JVM):");
    System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s %8s %7s %10s %10s  %s%n",
        "step", "offered/s", "achieved/s", "in-window/s", "ratio", "errors", "ovh p50", "ovh p99", "sustained");
    double best = 0;
    boolean allBelowSustained = true;
    for (StepPlan s : steps) {
      double seconds = s.duration().toNanos() / 1e9;
      double offered = planned[s.index()] / seconds;
      double achieved = succeeded.get(s.index()) / seconds;
      double inWindow = completedInWindow.get(s.index()) / seconds;
      double ratio = offered == 0 ? Double.NaN : Math.min(achieved, inWindow) / offered;
      double errorShare = planned[s.index()] == 0 ? 0 : (double) failed.get(s.index()) / planned[s.index()];
      boolean sustained = ratio >= 0.99 && errorShare <= 0.01;
      allBelowSustained &= sustained;
      if (allBelowSustained) {
        best = offered; // the ceiling is the last rate of the unbroken run of sustained steps
      }
      Histogram h = overhead[s.index()].getIntervalHistogram();
      System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f %8.4f %6.2f%% %8.3fms %8.3fms  %s%n",
          s.id(), offered, achieved, inWindow, ratio, errorShare * 100,
          h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, sustained ? "yes" : "NO");
    }
    System.out.printf(Locale.ROOT, "highest sustained rate: %.1f requests/s (every step up to it: achieved and in-window within 1%% of offered, <= 1%% errors)%s%n",
        best, allBelowSustained ? "; every step was sustained: raise the ladder to find the ceiling" : "");
  }
}
