package dev.capkit.loadgen.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import dev.capkit.core.os.LinuxThreads;
import org.HdrHistogram.Histogram;

/**
 * Ceiling benchmark with the load generator and the emulator in separate JVM processes (the honest
 * setup: each has its own JIT, GC and event loops, as when a user runs a load against
 * {@code ./capkit emulator}).
 *
 * <p>For each rate a {@link CeilingServer} process (emulator, {@code instant} profile) and a fresh
 * {@link CeilingClient} process start; the client warms up and then offers the rate for the
 * measured window. {@code -Dbench.serverCpus} / {@code -Dbench.clientCpus} pin them with
 * {@code taskset} (e.g. 0 and 1: a core each). Per rate it reports:
 * <ul>
 *   <li>a fresh emulator process per client run (an overloaded emulator makes the open-loop client
 *       open a connection per request; one that ran out of descriptors must not spoil the next rate);
 *   <li><b>offered</b>: requests sent in the window / window; <b>achieved</b>: capkit's one definition
 *       (README "achieved QPS"): successful requests sent in the window / window, whenever they
 *       completed (the client waits up to 10 s for the last); <b>in-window</b>: successful responses
 *       completed inside the window / window (a generator that falls behind completes less inside it);
 *       <b>sustained</b>: both within 1% of offered and at most 1% errors, as in the in-JVM ceiling;
 *   <li><b>CPU per 1,000 requests</b> of each process: utime + stime from {@code /proc/PID/stat}
 *       over the window (JIT and GC threads included), divided by the requests sent in it;
 *   <li><b>TTFT overhead</b> p50/p99: per request, client TTFT minus the emulator's TTFT (request
 *       decoded to first content chunk written), both {@code System.nanoTime()} on one machine
 *       ({@code System.nanoTime()} is one clock for all processes on Linux), and its parts: <b>client send</b>
 *       (about to call {@code send} to the request's bytes written to the socket: the send path, the hand-over
 *       to the event loop, a connect when no idle connection was free), <b>to server</b> (written to the
 *       emulator's request decoded: loopback, and the emulator's wait to read: its GC pauses and its busy
 *       threads land here), <b>back</b> (the emulator's first content chunk flushed to the client's socket
 *       read: loopback and the client's wake-up); the <b>client's part</b> is send + back per request, the
 *       overhead the load generator itself adds; p50/p99 each; and how many requests per second
 *       of the window had an overhead above 10 ms (is the tail a moment, or spread?);
 *   <li>client TTFT p50/p99 of the measured requests (as the client records it: from send to the
 *       first content event's socket read);
 *   <li>the client's CPU per 1,000 requests by thread role ({@link ThreadCpu}: event loops, sending
 *       thread, JIT compiler, GC, other) and the event loops' wake-ups per request (voluntary context switches);
 *   <li>the 1-minute load average before and after the window, and the CPU time the hypervisor stole from this VM
 *       in it ({@code /proc/stat} steal);
 *   <li>with {@code -Dbench.syscalls=true}, the client's system calls in the window per request
 *       ({@link SyscallCount}, perf's tracepoint counter).
 * </ul>
 * With {@code -Dbench.baseline=<class path>} each rate runs a client from that class path first
 * (label {@code baseline}) and then this build's ({@code this}), against the same server: an A/B in
 * the same conditions. {@code -Dbench.clientJvmArg=...} adds JVM arguments (separated by spaces) to each client
 * ({@code {label}} and {@code {rate}} are replaced), e.g. a profiler agent (loadgen/README.md).
 */
public final class CeilingBenchmark {

  private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

  private CeilingBenchmark() {}

  record Result(String label, double rate, long sent, long ok, long okInWindow, long failed, double clientCpu,
      double serverCpu, double seconds, Histogram overhead, Histogram ttft, String loadBefore, String loadAfter,
      long clientSyscalls, Map<String, Long> clientRoles, long loopWakeups, Histogram clientSend, Histogram toServer,
      Histogram back, Histogram clientPart, int[] slowPerSecond, long stealTicks) {}

  /**
   * The emulator process's collector ({@code -Dbench.serverGc} replaces it). ZGC, not G1: the emulator's G1
   * young pauses (30-148 ms every ~5 s at 1,000 req/s, pinned to one core) held requests unread in its socket
   * buffer, and since the emulator's TTFT starts when it has decoded the request, that wait counted as the
   * client's overhead (p99 82-102 ms; loadgen/README.md, fourth session). With ZGC its pauses are under 1 ms.
   */
  static final String SERVER_GC = "-XX:+UseZGC";
  /** The client process's collector ({@code -Dbench.clientGc} replaces it). */
  static final String CLIENT_GC = "-XX:+UseG1GC";

  private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

  /** Overheads above this count as slow in the per-second timeline. */
  private static final long SLOW_NANOS = 10_000_000L;

  /** One emulator process: its stdout/stdin protocol (see {@link CeilingServer}). */
  private record Server(Process process, BufferedReader out, PrintWriter in, String uri, String model) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      in.println("quit");
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
      }
    }
  }

  public static void run(List<Double> rates, double warmup, double seconds, String baselineClasspath)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    Path dir = Files.createTempDirectory("capkit-ceiling");
    System.out.printf(Locale.ROOT, "ceiling: %d cores; emulator (instant profile) and client each a fresh JVM per rate and build,"
        + " %.0f s warm-up then %.0f s measured; streamed chats, 300-token prompt, max_tokens 64; CPUs: server %s, client %s%n",
        Runtime.getRuntime().availableProcessors(), warmup, seconds, cpus("bench.serverCpus"), cpus("bench.clientCpus"));
    System.out.println("ceiling: per-request files (client records, server times) in " + dir);
    List<Result> results = new ArrayList<>();
    for (double rate : rates) {
      if (!baselineClasspath.isBlank()) {
        try (Server server = startServer(java, classpath)) {
          results.add(runClient("baseline", baselineClasspath, java, rate, warmup, seconds, server, dir));
        }
      }
      try (Server server = startServer(java, classpath)) {
        results.add(runClient("this", classpath, java, rate, warmup, seconds, server, dir));
      }
    }
    print(results);
  }

  // A fresh server per client run: an overloaded emulator makes an open-loop client open a connection per
  // request, and a server that ran out of file descriptors at one rate must not spoil the next.
  private static Server startServer(String java, String classpath) throws IOException {
    List<String> serverCommand = new ArrayList<>(pinned("bench.serverCpus"));
    serverCommand.addAll(List.of(java, "-Xms1g", "-Xmx1g", property("bench.serverGc", SERVER_GC)));
    String serverArg = System.getProperty("bench.serverJvmArg", "");
    if (!serverArg.isBlank()) {
      serverCommand.addAll(List.of(serverArg.trim().split("\\s+")));
    }
    serverCommand.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath,
        CeilingServer.class.getName()));
    Process server = new ProcessBuilder(serverCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter serverIn = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
    String[] hello = expect(serverOut, "listening").split(" ");
    return new Server(server, serverOut, serverIn, hello[1], hello[2]);
  }

  private static Result runClient(String label, String classpath, String java, double rate, double warmup,
      double seconds, Server srv, Path dir) throws Exception {
    Process server = srv.process();
    BufferedReader serverOut = srv.out();
    PrintWriter serverIn = srv.in();
    String uri = srv.uri();
    String model = srv.model();
    String run = label + "-" + (long) rate + "-" + RUNS.incrementAndGet(); // a rate given twice keeps both runs' files
    Path records = dir.resolve(run + ".txt");
    List<String> command = new ArrayList<>(pinned("bench.clientCpus"));
    command.addAll(List.of(java, "-Xms1g", "-Xmx1g", property("bench.clientGc", CLIENT_GC),
        "-Dbench.late=" + property("bench.fifoLead", "3"))); // when -Dbench.fifo applies: seconds before the window
    int fifo = Integer.getInteger("bench.fifo", 0);
    if (fifo > 0) { // the client's latency threads through the product's option, from the client's start
      command.add("-Dcapkit.loadgen.realtime=" + fifo);
    }
    String send = System.getProperty("bench.send", "");
    if (!send.isBlank()) {
      command.add("-Dbench.send=" + send.trim());
    }
    String agent = System.getProperty("bench.clientJvmArg", "");
    if (!agent.isBlank()) { // e.g. a profiler agent, -Dcapkit.loadgen.transport=io_uring
      command.addAll(List.of(agent.replace("{label}", label).replace("{rate}", Long.toString((long) rate)).trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", classpath, CeilingClient.class.getName(), uri, model, Double.toString(rate),
        Double.toString(warmup), Double.toString(seconds), records.toString()));
    Process client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
    if (fifo > 0) {
      System.out.println(label + " client at " + (long) rate + "/s: " + expect(out, "scheduling"));
    }
    expect(out, "warmup-late");
    if (fifo > 0) {
      System.out.println(label + " client at " + (long) rate + "/s: SCHED_FIFO " + fifo + " for the emulator's "
          + realtime(server.pid(), fifo, Set.of("event loops", "engine")));
    }
    String measureStart = expect(out, "measure-start");
    System.out.println(label + " client at " + (long) rate + "/s: " + measureStart);
    long client0 = cpuTicks(client.pid());
    Map<Long, ThreadCpu.Sample> threads0 = ThreadCpu.sample(client.pid());
    Map<Long, ThreadCpu.Sample> serverThreads0 = ThreadCpu.sample(server.pid());
    long server0 = cpuTicks(server.pid());
    String loadBefore = loadAverage();
    long steal0 = stealTicks();
    StealTimeline stealTimeline = StealTimeline.start((int) Math.ceil(seconds));
    SyscallCount syscalls = Boolean.getBoolean("bench.syscalls") ? SyscallCount.start(client.pid()) : null;
    String end = expect(out, "measure-end");
    long client1 = cpuTicks(client.pid());
    Map<Long, ThreadCpu.Sample> threads1 = ThreadCpu.sample(client.pid());
    Map<Long, ThreadCpu.Sample> serverThreads1 = ThreadCpu.sample(server.pid());
    Map<String, Long> clientRoles = ThreadCpu.byRole(threads0, threads1);
    long loopWakeups = ThreadCpu.switches(threads0, threads1, "event loops");
    System.out.println(label + " client at " + (long) rate + "/s: busiest threads in the window (clock ticks): "
        + ThreadCpu.busiest(threads0, threads1, 6));
    System.out.println(label + " client at " + (long) rate + "/s: run-queue wait in the window (runnable, no CPU; ms): client "
        + millis(ThreadCpu.waitByRole(threads0, threads1)) + "; emulator " + millis(ThreadCpu.waitByRole(serverThreads0, serverThreads1))
        + "; CPU stolen by the hypervisor per second of the window (both CPUs, ms): " + stealTimeline.stop());
    long server1 = cpuTicks(server.pid());
    String loadAfter = loadAverage();
    long stolen = stealTicks() - steal0;
    long clientSyscalls = syscalls == null ? -1 : syscalls.stop();
    try (PrintWriter clientIn = new PrintWriter(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
      clientIn.println("sampled"); // the client may close its event loops now (see CeilingClient)
    }
    long sent = Long.parseLong(end.substring(end.lastIndexOf(' ') + 1));
    while (out.readLine() != null) {
      // drain until the client exits
    }
    if (client.waitFor() != 0) {
      throw new IllegalStateException(label + " client at " + rate + "/s exited with " + client.exitValue());
    }
    Path serverFile = dir.resolve("server-" + run + ".txt");
    serverIn.println("dump " + serverFile);
    expect(serverOut, "dumped");
    Map<String, long[]> serverTtft = new HashMap<>(); // id -> ttft, decoded at, written at (ns)
    for (String line : Files.readAllLines(serverFile)) {
      String[] f = line.split(" ");
      serverTtft.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
    }
    Histogram overhead = new Histogram(3);
    Histogram ttftHistogram = new Histogram(3);
    Histogram clientSend = new Histogram(3);
    Histogram toServer = new Histogram(3);
    Histogram back = new Histogram(3);
    Histogram clientPart = new Histogram(3);
    List<String> lines = Files.readAllLines(records);
    long firstSent = Long.MAX_VALUE;
    for (String line : lines) {
      firstSent = Math.min(firstSent, Long.parseLong(line.split(" ")[5]));
    }
    int[] slowPerSecond = new int[(int) Math.ceil(seconds)];
    long okInWindow = 0;
    long succeeded = 0;
    long failed = 0;
    for (String line : lines) {
      String[] f = line.split(" ");
      boolean ok = f[1].equals("1");
      long ttft = Long.parseLong(f[2]);
      long sentAt = Long.parseLong(f[5]);
      long writtenAt = Long.parseLong(f[6]);
      if (!ok) {
        failed++;
        continue;
      }
      succeeded++;
      if (f[3].equals("1")) {
        okInWindow++;
      }
      if (ttft >= 0) {
        ttftHistogram.recordValue(ttft / 100); // units of 0.1 us
      }
      long[] s = serverTtft.get(f[0]);
      if (s != null && ttft >= 0) {
        long ovh = Math.max(0, ttft - s[0]);
        overhead.recordValue(ovh / 100); // units of 0.1 us
        long backNanos = Math.max(0, sentAt + ttft - s[2]);
        back.recordValue(backNanos / 100);
        if (writtenAt > 0) {
          long sendNanos = Math.max(0, writtenAt - sentAt);
          clientSend.recordValue(sendNanos / 100);
          toServer.recordValue(Math.max(0, s[1] - writtenAt) / 100);
          clientPart.recordValue((sendNanos + backNanos) / 100);
        }
        int second = (int) ((sentAt - firstSent) / 1_000_000_000L);
        if (ovh > SLOW_NANOS && second >= 0 && second < slowPerSecond.length) {
          slowPerSecond[second]++;
        }
      }
    }
    failed += Math.max(0, sent - lines.size()); // never completed
    double hz = CLOCK_TICKS_PER_SECOND;
    Result r = new Result(label, rate, sent, succeeded, okInWindow, failed, (client1 - client0) / hz, (server1 - server0) / hz,
        seconds, overhead, ttftHistogram, loadBefore, loadAfter, clientSyscalls, clientRoles, loopWakeups, clientSend, toServer, back,
        clientPart, slowPerSecond, stolen);
    printRow(r);
    return r;
  }

  private static void print(List<Result> results) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%-9s %8s %9s %10s %7s %11s %7s %14s %14s %9s %9s %10s %10s  %-10s %s%n", "client",
        "rate/s", "offered/s", "achieved/s", "ratio", "in-window/s", "errors", "client cpu-s/1k", "server cpu-s/1k", "ovh p50", "ovh p99",
        "ttft p50", "ttft p99", "sustained", "load avg before -> after");
    for (Result r : results) {
      printRow(r);
    }
  }

  private static void printRow(Result r) {
    double offered = r.sent() / r.seconds();
    double achieved = r.ok() / r.seconds();
    double inWindow = r.okInWindow() / r.seconds();
    double ratio = offered == 0 ? Double.NaN : achieved / offered;
    double windowRatio = offered == 0 ? Double.NaN : inWindow / offered;
    double errors = r.sent() == 0 ? 0 : (double) r.failed() / r.sent();
    boolean sustained = ratio >= 0.99 && windowRatio >= 0.99 && errors <= 0.01;
    System.out.printf(Locale.ROOT,
        "%-9s %8.0f %9.1f %10.1f %7.4f %11.1f %6.2f%% %15.3f %15.3f %7.3fms %7.3fms %8.3fms %8.3fms  %-10s %s -> %s%n",
        r.label(), r.rate(), offered, achieved, ratio, inWindow, errors * 100, r.clientCpu() * 1000 / Math.max(1, r.sent()),
        r.serverCpu() * 1000 / Math.max(1, r.sent()), r.overhead().getValueAtPercentile(50) / 1e4,
        r.overhead().getValueAtPercentile(99) / 1e4, r.ttft().getValueAtPercentile(50) / 1e4,
        r.ttft().getValueAtPercentile(99) / 1e4, sustained ? "yes" : "NO", r.loadBefore(), r.loadAfter());
    StringBuilder roles = new StringBuilder();
    r.clientRoles().forEach((role, ticks) -> roles.append(String.format(Locale.ROOT, "%s %.3f, ", role,
        ticks / (double) CLOCK_TICKS_PER_SECOND * 1000 / Math.max(1, r.sent()))));
    System.out.println("          client CPU-s / 1,000 requests by thread: " + roles.substring(0, Math.max(0, roles.length() - 2))
        + String.format(Locale.ROOT, "; event-loop wake-ups %.1f per request", (double) r.loopWakeups() / Math.max(1, r.sent())));
    System.out.printf(Locale.ROOT, "          overhead parts p50 / p99: client's part (send + back) %.3f / %.3f ms = client send %.3f / %.3f ms"
            + " + back %.3f / %.3f ms; to server %.3f / %.3f ms; requests with overhead > %d ms per second of the window: %s%n",
        r.clientPart().getValueAtPercentile(50) / 1e4, r.clientPart().getValueAtPercentile(99) / 1e4,
        r.clientSend().getValueAtPercentile(50) / 1e4, r.clientSend().getValueAtPercentile(99) / 1e4,
        r.back().getValueAtPercentile(50) / 1e4, r.back().getValueAtPercentile(99) / 1e4,
        r.toServer().getValueAtPercentile(50) / 1e4, r.toServer().getValueAtPercentile(99) / 1e4, SLOW_NANOS / 1_000_000,
        java.util.Arrays.toString(r.slowPerSecond()));
    System.out.printf(Locale.ROOT, "          CPU stolen by the hypervisor in the window: %.2f s over %d CPUs x %.0f s (%.1f%%)%n",
        r.stealTicks() / (double) CLOCK_TICKS_PER_SECOND, Runtime.getRuntime().availableProcessors(), r.seconds(),
        100.0 * r.stealTicks() / CLOCK_TICKS_PER_SECOND / (Runtime.getRuntime().availableProcessors() * r.seconds()));
    if (r.clientSyscalls() >= 0) {
      System.out.printf(Locale.ROOT, "          client system calls in the window: %d = %.1f per request sent%n", r.clientSyscalls(),
          (double) r.clientSyscalls() / Math.max(1, r.sent()));
    }
    System.out.flush();
  }

  /**
   * Puts the emulator's latency-critical threads ({@code roles}: its event loops and engine) in {@code SCHED_FIFO} at
   * {@code priority} ({@code -Dbench.fifo=N}, 3 s before the window: {@code -Dbench.fifoLead}). The client's threads
   * get it through the product's option instead, {@code -Dcapkit.loadgen.realtime=N}, from the client's start (its
   * event loops, which also send, VM thread and G1 stop-the-world workers; loadgen's {@code RealtimeThreads}). Not
   * the JIT compilers or concurrent GC threads: measured worse (loadgen/README.md, fifth session: the emulator's
   * collector threads at real-time priority on its one pinned core left its JIT compiler no CPU). Needs the right to
   * set real-time priorities (root, or {@code RLIMIT_RTPRIO}); a failure stops the benchmark.
   *
   * @return how many threads by role, e.g. {@code {event loops=2, engine=1}}
   */
  private static Map<String, Integer> realtime(long pid, int priority, Set<String> roles) throws IOException {
    Map<String, Integer> done = new java.util.TreeMap<>();
    for (Map.Entry<Long, ThreadCpu.Sample> t : ThreadCpu.sample(pid).entrySet()) {
      String role = t.getValue().role();
      if (roles.contains(role)) {
        try {
          LinuxThreads.setFifo(t.getKey(), priority);
        } catch (LinuxThreads.RealtimeRefused e) {
          throw new IllegalStateException("-Dbench.fifo=" + priority + " (" + t.getValue().comm() + "): " + e.getMessage(), e);
        }
        done.merge(role, 1, Integer::sum);
      }
    }
    return done;
  }

  private static String millis(Map<String, Long> nanosByRole) {
    StringBuilder b = new StringBuilder();
    nanosByRole.forEach((role, nanos) -> {
      if (nanos > 0) {
        b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", role, nanos / 1e6));
      }
    });
    return b.length() == 0 ? "none" : b.toString();
  }

  /** CPU time stolen by the hypervisor, per second of the measured window, sampled from {@code /proc/stat}. */
  private static final class StealTimeline {
    private final long[] ticks;
    private final Thread thread;

    private StealTimeline(int seconds) {
      ticks = new long[seconds];
      thread = new Thread(() -> {
        try {
          long origin = System.nanoTime();
          long previous = stealTicks();
          for (int i = 0; i < ticks.length; i++) {
            Thread.sleep(Math.max(0, (origin + (i + 1) * 1_000_000_000L - System.nanoTime()) / 1_000_000));
            long now = stealTicks();
            ticks[i] = now - previous;
            previous = now;
          }
        } catch (InterruptedException | IOException e) {
          // stopped early: the seconds not reached stay 0
        }
      }, "steal-timeline");
      thread.setDaemon(true);
    }

    static StealTimeline start(int seconds) {
      StealTimeline t = new StealTimeline(seconds);
      t.thread.start();
      return t;
    }

    /** Per second, milliseconds stolen (clock ticks of 1/{@code CLK_TCK} s), as a list. */
    String stop() throws InterruptedException {
      thread.join(2_000);
      thread.interrupt();
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < ticks.length; i++) {
        b.append(i == 0 ? "" : ", ").append(ticks[i] * 1000 / CLOCK_TICKS_PER_SECOND);
      }
      return b.append(']').toString();
    }
  }

  /** {@code taskset -c <list>} when the property names CPUs, else nothing (the process may run on any CPU). */
  private static List<String> pinned(String property) {
    String list = System.getProperty(property, "").trim();
    return list.isEmpty() ? List.of() : List.of("taskset", "-c", list);
  }

  /** A system property, or {@code fallback} when unset or blank (Maven passes unset properties as blank). */
  private static String property(String name, String fallback) {
    String v = System.getProperty(name, "").trim();
    return v.isEmpty() ? fallback : v;
  }

  private static String cpus(String property) {
    String list = System.getProperty(property, "").trim();
    return list.isEmpty() ? "any" : list;
  }

  private static String expect(BufferedReader in, String prefix) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("process ended before printing '" + prefix + "'");
  }

  /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 3.. start at index 0: 14 -> 11, 15 -> 12
  }

  /**
   * CPU time the hypervisor gave to other guests while this VM's CPUs wanted to run (the {@code steal} column of
   * the {@code cpu} line of {@code /proc/stat}, all CPUs, clock ticks): on a shared VM neither the load average nor
   * our own priority shows it, and a process whose vCPU is stolen stops for milliseconds at a time.
   */
  private static long stealTicks() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        return f.length > 8 ? Long.parseLong(f[8]) : 0;
      }
    }
    return 0;
  }

  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Long.parseLong(s) : 100;
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 100; // Linux's USER_HZ on every common configuration
    }
  }
}
