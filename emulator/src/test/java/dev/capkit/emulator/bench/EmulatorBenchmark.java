package dev.capkit.emulator.bench;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.Arrival;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Two figures for emulator/README.md (not a unit test; run it with the {@code bench} profile):
 *
 * <ol>
 *   <li><b>Concurrent streams</b>: N streaming chat requests held open at once against the embedded
 *       emulator (physics profile, default tier; vLLM's default {@code max_num_seqs}, then
 *       {@code max_num_seqs} = N), consumed by {@link StreamingLoadClient} (one Netty thread) in the
 *       same JVM ({@code -Dbench.client=jvm}, the default) or in its own JVM process
 *       ({@code -Dbench.client=process}, as users run a load against {@code ./capkit emulator});
 *       reports the token-timing error = time the event loop wrote a token minus the end of the
 *       engine step that sampled it (p50/p99/p99.9/max), and CPU.
 *   <li><b>Virtual-time speed</b>: one simulated hour of Poisson arrivals at R requests/s through
 *       {@link VirtualRun}; reports wall time and simulated request-seconds (sum of E2E) per wall second.
 * </ol>
 *
 * Run: {@code mvn -q -pl emulator -am -Pbench -DskipTests test} (args via -Dbench.streams=5000 -Dbench.qps=100
 * -Dbench.warmupStreams=N (a first, unmeasured pass of N streams against the same emulator, then System.gc())
 * -Dbench.client=jvm|process -Dbench.cases=default,all,virtual; {@code -Dbench.serverCpus=0 -Dbench.clientCpus=1}
 * pin this JVM and the client process to those CPUs with {@code taskset}; {@code -Dbench.fifo=N} gives the emulator's
 * worker event loops {@code SCHED_FIFO} priority N and its engine thread N-1 through the product path
 * ({@code EmbeddedEmulator#realtime}, = {@code ./capkit emulator --realtime N}), and the JVM's collector and VM threads
 * priority 1 ({@link EmulatorThreads}, benchmark only); {@code -Dbench.trace=DIR} writes each case's delivery trace
 * and GC pauses there, see {@code DeliveryTrace}).
 */
public final class EmulatorBenchmark {
  private EmulatorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int streams = Integer.getInteger("bench.streams", 5000);
    int qps = Integer.getInteger("bench.qps", 100);
    System.out.printf(Locale.ROOT, "machine: %d cores, max heap %d MiB, %s %s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    String cases = System.getProperty("bench.cases", "default,all,virtual");
    boolean clientProcess = switch (System.getProperty("bench.client", "jvm")) {
      case "process" -> true;
      case "jvm" -> false;
      default -> throw new IllegalArgumentException("-Dbench.client=" + System.getProperty("bench.client") + ": expected process or jvm");
    };
    pinThisProcess(System.getProperty("bench.serverCpus", "").trim());
    virtualSpeed(qps, 60); // warm-up of the JIT, not reported
    if (cases.contains("default")) {
      concurrentStreams(streams, 0, clientProcess); // vLLM default max_num_seqs (256): all streams held, 256 decoding at a time
    }
    if (cases.contains("all")) {
      concurrentStreams(streams, streams, clientProcess); // worst case: every stream decoding in every step's token budget
    }
    if (cases.contains("virtual")) {
      virtualSpeed(qps, 3600);
    }
  }

  /**
   * @param maxNumSeqs override of max_num_seqs, 0 = the catalog's vLLM default
   * @param clientProcess run the load client as its own JVM process instead of in this JVM
   */
  static void concurrentStreams(int n, int maxNumSeqs, boolean clientProcess) throws Exception {
    EmulatorOptions options = EmulatorOptions.defaults().withMaxNumSeqs(maxNumSeqs).withMaxWaiting(2 * n).withSeed(5);
    try (EmbeddedEmulator emu = EmbeddedEmulator.start(options)) {
      String serverCpus = System.getProperty("bench.serverCpus", "").trim();
      String clientCpus = System.getProperty("bench.clientCpus", "").trim();
      System.out.println(emu.describe() + ", transport " + emu.transport().name().toLowerCase(Locale.ROOT)
          + ", " + Runtime.getRuntime().availableProcessors() + " event loop(s), client "
          + (clientProcess ? "in its own process" : "in this JVM")
          + ", CPUs: emulator " + (serverCpus.isEmpty() ? "any" : serverCpus)
          + ", client " + (clientProcess ? (clientCpus.isEmpty() ? "any" : clientCpus) : "same as emulator"));
      String host = emu.baseUri().getHost();
      int port = emu.baseUri().getPort();
      int fifo = Integer.getInteger("bench.fifo", 0);
      int realtimeThreads = fifo > 0 ? emu.realtime(fifo) : 0; // the product path: ./capkit emulator --realtime N
      EmulatorThreads threads = new EmulatorThreads(fifo);
      threads.applyRealtime();
      int warmupStreams = Integer.getInteger("bench.warmupStreams", 1500);
      if (warmupStreams > 0) {
        // A server that has been up a while has its request and token paths compiled; without this the first
        // seconds of the measured case run them in the interpreter and C1 while C2 compiles (each loop's 128-token
        // burst then takes 2-3x its steady time, most of the p99 tokens of a quiet run came from there).
        long w0 = System.nanoTime();
        try (StreamingLoadClient warm = new StreamingLoadClient()) {
          warm.start(host, port, warmupStreams);
          while (!warm.await(200)) {
            threads.applyRealtime();
          }
        }
        System.gc(); // the warm-up's garbage is not the measured case's
        System.out.printf(Locale.ROOT, "JIT warm-up: %d streams against this emulator in %.1f s, not measured (-Dbench.warmupStreams)%n",
            warmupStreams, (System.nanoTime() - w0) / 1e9);
      }
      emu.metrics().takeEmitLateness(); // reset
      emu.metrics().takeHandoffLateness();
      String traceDir = System.getProperty("bench.trace", "").trim();
      dev.capkit.emulator.runtime.DeliveryTrace trace = traceDir.isEmpty() ? null : emu.metrics().traceDeliveries(400_000);
      GcPauses gc = GcPauses.start();
      java.util.Map<String, Long> wait0 = EmulatorThreads.runQueueWait();
      long cpu0 = processCpuNanos();
      String load0 = MachineLoad.average();
      long steal0 = MachineLoad.stealTicks();
      long t0 = System.nanoTime();
      int peakRunning = 0;
      StreamingLoadClient.Result result;
      String clientCpu;
      if (clientProcess) {
        List<String> command = new ArrayList<>();
        if (!clientCpus.isEmpty()) {
          command.addAll(List.of("taskset", "-c", clientCpus));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
            StreamingLoadClient.class.getName(), host, String.valueOf(port), String.valueOf(n)));
        Process client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(client));
        while (!client.waitFor(200, TimeUnit.MILLISECONDS)) {
          peakRunning = Math.max(peakRunning, emu.metrics().running());
          threads.applyRealtime(); // collector threads the JVM starts later
        }
        Matcher m = RESULT.matcher(out.get());
        if (client.exitValue() != 0 || !m.find()) {
          throw new IllegalStateException("load client exited " + client.exitValue() + " without a result line: " + out.get());
        }
        result = new StreamingLoadClient.Result(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)));
        clientCpu = m.group(5) + " s in the client process";
      } else {
        try (StreamingLoadClient client = new StreamingLoadClient()) {
          client.start(host, port, n);
          while (!client.await(200)) {
            peakRunning = Math.max(peakRunning, emu.metrics().running());
            threads.applyRealtime(); // collector threads the JVM starts later
          }
          result = client.result();
        }
        clientCpu = "included";
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      Histogram h = emu.metrics().takeEmitLateness();
      Histogram handoff = emu.metrics().takeHandoffLateness();
      System.out.printf(Locale.ROOT, "concurrent streams: %d requested, %d open at peak, %d decoding at peak (vllm:num_requests_running), "
              + "%d completed, %d failed, %d tokens in %.1f s wall%n",
          n, result.maxOpen(), peakRunning, result.completed(), result.failed(), h.getTotalCount(), wall);
      System.out.printf(Locale.ROOT, "token-timing error (write time - step end): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
          h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
      System.out.printf(Locale.ROOT, "  of which hand-off to the event loop (delivery task start - step end): p50 %.3f ms, p99 %.3f ms%n",
          handoff.getValueAtPercentile(50) / 1e6, handoff.getValueAtPercentile(99) / 1e6);
      System.out.printf(Locale.ROOT, "emulator JVM CPU %.1f s over %.1f s wall = %.2f cores (client CPU: %s)%n", cpu, wall, cpu / wall, clientCpu);
      System.out.println("run-queue wait of the emulator's event loops and engine (runnable, no CPU; ms): "
          + EmulatorThreads.waitedMillis(wait0, EmulatorThreads.runQueueWait())
          + (Integer.getInteger("bench.fifo", 0) > 0 ? "; SCHED_FIFO (event loops " + Integer.getInteger("bench.fifo")
              + " for " + (realtimeThreads - 1) + " worker loops, engine one below, via EmbeddedEmulator.realtime; VM and collector threads 1 for "
              + threads.applyRealtime() + " threads (-Dbench.fifo)" : ""));
      System.out.println("GC pauses in the run: " + gc.summary());
      if (trace != null) {
        String name = "streams" + n + "-seqs" + maxNumSeqs + "-" + System.currentTimeMillis();
        Path dir = Path.of(traceDir);
        java.nio.file.Files.createDirectories(dir);
        trace.writeCsv(dir.resolve(name + "-deliveries.csv"));
        gc.writeCsv(dir.resolve(name + "-gc.csv"));
        System.out.println("delivery trace: " + trace.count() + " batches -> " + dir.resolve(name + "-deliveries.csv"));
      }
      gc.stop();
      double stolen = (MachineLoad.stealTicks() - steal0) / 100.0; // /proc/stat counts in USER_HZ = 100 on Linux
      int cores = Runtime.getRuntime().availableProcessors();
      System.out.printf(Locale.ROOT, "machine: load average %s -> %s; CPU stolen by the hypervisor %.2f s (%.1f%% of %d CPUs)%n",
          load0, MachineLoad.average(), stolen, 100 * stolen / (cores * wall), cores);
    }
  }

  private static final Pattern RESULT = Pattern.compile(
      "result maxOpen=(\\d+) completed=(\\d+) failed=(\\d+) chunks=(\\d+) cpuSeconds=([0-9.]+)");

  private static String readAll(Process p) {
    try {
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void virtualSpeed(int qps, int seconds) throws Exception {
    ServingPlan plan = ServingPlan.resolve(Catalog.load(null), EmulatorOptions.DEFAULT_TIER, EmulatorOptions.DEFAULT_MODEL, Dtype.BF16, 1024);
    SplittableRandom rnd = new SplittableRandom(1);
    List<Arrival> arrivals = new ArrayList<>();
    double t = 0;
    int i = 0;
    while ((t += -Math.log(1 - rnd.nextDouble()) / qps) < seconds) {
      // short chats so that 100 req/s stays below one A100's modelled capacity (~9.4k tokens/s compute-bound)
      arrivals.add(new Arrival(t, "v" + i++, "text-chat", 40, 0, 0, 40, true));
    }
    System.gc();
    long t0 = System.nanoTime();
    List<RequestRecord> records = new VirtualRun(plan, 1, 1.0, Profile.PHYSICS, 100_000).run(arrivals, 0);
    double wall = (System.nanoTime() - t0) / 1e9;
    double requestSeconds = records.stream().mapToDouble(r -> r.e2eNanos() / 1e9).sum();
    long ok = records.stream().filter(RequestRecord::ok).count();
    double p99ttft = records.stream().mapToDouble(r -> r.ttftNanos() / 1e9).sorted().skip((long) (0.99 * records.size())).findFirst().orElse(-1);
    if (seconds >= 600) {
      System.out.printf(Locale.ROOT, "virtual time: %d s simulated at %d req/s (%d requests, %d ok, p99 TTFT %.3f s) in %.2f s wall "
              + "= %.0fx real time; %.0f simulated request-seconds per wall second%n",
          seconds, qps, records.size(), ok, p99ttft, wall, seconds / wall, requestSeconds / wall);
    }
  }

  /**
   * Pins every thread of this JVM (JIT, GC, and those started later, which inherit it) to {@code cpus}
   * with {@code taskset -a -p}; nothing when blank. Called before the emulator starts, so its event-loop
   * count ({@code availableProcessors}, which follows the affinity) is the pinned CPUs' count.
   */
  private static void pinThisProcess(String cpus) throws IOException, InterruptedException {
    if (cpus.isEmpty()) {
      return;
    }
    Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("-Dbench.serverCpus=" + cpus + ": taskset failed: " + out.trim());
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
