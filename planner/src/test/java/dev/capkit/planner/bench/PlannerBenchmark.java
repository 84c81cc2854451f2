package dev.capkit.planner.bench;

import dev.capkit.planner.PlanOptions;
import dev.capkit.planner.PlanResult;
import dev.capkit.planner.Planner;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.SyntheticRuns;
import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.output.PlanWriters;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark, not a test: plans from {@code bench.runs} run folders (default 100) of {@code bench.steps}
 * steps each (default 20), written first through core's RunWriter (M/M/4 requests, 150 per step,
 * one interval per simulated second as a real run writes them, rates jittered per run so no two
 * steps share a rate and every step stays its own ladder point),
 * spread over five tiers. Measures wall time, CPU time, bytes allocated by the planning thread and
 * peak heap, for planning without predictions (reading + statistics + outputs) and with them (adds
 * the virtual-time runs of the catalog's other tiers, whose cost does not grow with the folders).
 *
 * <p>Run: {@code mvn -q -pl planner -am -Pbench -DskipTests test} ({@code -Dbench.runs=100 -Dbench.steps=20}).
 */
public final class PlannerBenchmark {
  private static final String[] TIERS = {"gn7e-c16g1.4xlarge", "gn7-c12g1.3xlarge", "gn8is.2xlarge", "gn8v.4xlarge", "gn7i-c16g1.4xlarge"};

  /** About what a 60-s step of the capacity sweep holds at 1-2.5 req/s. */
  static final int REQUESTS_PER_STEP = 150;

  private PlannerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("bench.runs", 100);
    int steps = Integer.getInteger("bench.steps", 20);
    Path dir = Files.createTempDirectory("capkit-planner-bench");
    double analytic = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    Random jitter = new Random(1);
    long genStart = System.nanoTime();
    List<Path> folders = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      double[] rates = new double[steps];
      for (int s = 0; s < steps; s++) {
        rates[s] = analytic * (0.3 + 0.9 * s / (steps - 1)) * (1 + 0.01 * jitter.nextDouble());
      }
      Path run = SyntheticRuns.mmc(dir.resolve(String.format(Locale.ROOT, "run-%03d", r)), "bench", TIERS[r % TIERS.length], 4, 1.0,
          rates, REQUESTS_PER_STEP, r, true);
      folders.add(run);
    }
    long bytes = Files.walk(dir).filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    System.out.printf(Locale.ROOT, "machine: %d cores, max heap %d MiB, %s %s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    long lines = 0;
    try (var files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".hlog"))::iterator) {
        lines += Files.readAllLines(p).size();
      }
    }
    System.out.printf(Locale.ROOT, "input: %d run folders x %d steps (%d requests each, one interval per second) on %d tiers, %.1f MB on disk,"
        + " %,d interval-log lines, written in %.1f s%n", runs, steps, REQUESTS_PER_STEP, TIERS.length, bytes / 1e6, lines,
        (System.nanoTime() - genStart) / 1e9);
    List<SloTarget> slos = SloTarget.parseList("e2e.p99=8s,ttft.p99=2s,errors=0.1%");
    for (boolean predict : new boolean[] {false, true}) {
      for (int i = 1; i <= 3; i++) {
        PlanOptions options = PlanOptions.defaults(20).withSlos(slos).withPredict(predict);
        measure(String.format(Locale.ROOT, "%s, iteration %d", predict ? "with predictions" : "measured tiers only", i), folders, options,
            dir.resolve("plan-" + predict + "-" + i));
      }
    }
  }

  private static void measure(String label, List<Path> folders, PlanOptions options, Path out) throws Exception {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long alloc0 = threads.getThreadAllocatedBytes(id);
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    PlanResult plan = Planner.planRuns(folders, options);
    PlanWriters.writeAll(plan, out);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    long alloc = threads.getThreadAllocatedBytes(id) - alloc0;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "%-32s %6.2f s wall, %6.2f s CPU (planning thread), %7.1f MB allocated, peak heap %6.1f MB; %d tier rows,"
            + " recommended %s%n", label, wall, cpu, alloc / 1e6, peak / 1e6, plan.rows().size(),
        plan.recommended().map(r -> r.tierId() + " x" + r.replicas().replicas()).orElse("none"));
  }
}
