package dev.capkit.gate;

import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunVerifier;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The virtual-time soak (soak/README.md; not a test): one hour of virtual time of a scenario's load
 * on the emulator's engine, written as a run folder by the run writer with one flush per virtual
 * second (3,600 intervals per log), while a sampler records this JVM's heap used, threads and open
 * file descriptors every second of real time. Prints the samples by fifth of the run and the counts:
 * arrivals simulated, requests in run.json (sent, ok, errors), and {@code capkit verify}'s verdict.
 *
 * <pre>{@code
 * mvn -q -o -pl gate -am -Psoak -DskipTests test     # gate-smoke at 4 req/s for 3600 s
 * }</pre>
 */
public final class VirtualSoak {
  private VirtualSoak() {}

  record Sample(double seconds, long heapUsedKb, int threads, long fds) {}

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "gate-smoke";
    String qps = args.length > 1 ? args[1] : "4";
    Path folder = Files.createTempDirectory("capkit-virtual-soak").resolve("run");
    List<Sample> samples = new ArrayList<>();
    long t0 = System.nanoTime();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        samples.add(sample(t0));
        try {
          Thread.sleep(2000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "soak-sampler");
    sampler.setDaemon(true);
    sampler.start();
    VirtualRunFolder.Simulated sim = VirtualRunFolder.simulate(scenario, Map.of("qps", qps, "duration", "3600s"), 1000, 1.0);
    VirtualRunFolder.write(folder, scenario, Map.of("qps", qps, "duration", "3600s"), 1000, 1.0);
    sampler.interrupt();
    sampler.join();
    samples.add(sample(t0));
    StepSummary step = RunReader.read(folder).steps().get(0);
    long errors = step.errors().values().stream().mapToLong(Long::longValue).sum();
    RunVerifier.Result verdict = RunVerifier.verify(folder);
    System.out.printf(Locale.ROOT, "virtual soak: %s at %s req/s for 3600 s of virtual time in %.0f s of real time (load average %s)%n",
        scenario, qps, (System.nanoTime() - t0) / 1e9, Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf(Locale.ROOT, "counts: %d arrivals simulated, run.json sent %d, ok %d, errors %d, sent - ok - errors = %d; capkit verify: %s%n",
        sim.records().size(), step.sent(), step.ok(), errors, step.sent() - step.ok() - errors, verdict.ok() ? "sound" : verdict);
    int k = Math.max(1, samples.size() / 5);
    System.out.println("fifth  real-s  live-heap-MB(min/median/max)  threads(max)  fds(max)");
    for (int f = 0; f < 5 && f * k < samples.size(); f++) {
      List<Sample> part = samples.subList(f * k, Math.min(samples.size(), f == 4 ? samples.size() : (f + 1) * k));
      long[] heap = part.stream().mapToLong(Sample::heapUsedKb).sorted().toArray();
      System.out.printf(Locale.ROOT, "%d      %6.0f  %6.1f / %6.1f / %6.1f         %3d           %3d%n", f + 1, part.get(part.size() - 1).seconds(),
          heap[0] / 1024.0, heap[heap.length / 2] / 1024.0, heap[heap.length - 1] / 1024.0,
          part.stream().mapToInt(Sample::threads).max().orElse(0), part.stream().mapToLong(Sample::fds).max().orElse(0));
    }
  }

  /** Heap used right after a full collection (the live set; heap used between collections only shows garbage piling up). */
  private static Sample sample(long t0) {
    ManagementFactory.getMemoryMXBean().gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    long fds;
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    } catch (IOException e) {
      fds = -1;
    }
    return new Sample((System.nanoTime() - t0) / 1e9, heap, ManagementFactory.getThreadMXBean().getThreadCount(), fds);
  }
}
