package dev.capkit.distributed;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.run.RunOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Local distributed mode: N injector JVMs on this machine against one target, each running the
 * Gatling simulation with its share of the load ({@code -Dcapkit.injector=i/N}) from one common
 * start instant, then one merged run ({@link RunMerger}).
 *
 * <p>The start instant is agreed by a handshake (the default, {@code lead} zero): each injector
 * prepares, prints that it is ready, and waits for {@code <out>/start-at} to hold the instant
 * ({@code -Dcapkit.startAtFile}); once all N are ready this class writes it, {@link #START_MARGIN}
 * ahead. So a slow machine delays the start instead of making an injector late, and a quiet one
 * does not wait out a fixed lead. With a fixed {@code lead} the instant is launch + lead
 * ({@code -Dcapkit.startAt}), as a remote launcher would choose it.
 *
 * <p>Each injector is a plain JVM on a prebuilt class path (the simulations' test class path), not a
 * {@code mvn gatling:test}: N Maven builds in the same {@code target/} folders race. Its output goes
 * to {@code <out>/injector-<i>.log}; capkit's own lines (setup, step rows, verdicts) are echoed with
 * an {@code [i/N]} prefix as progress. Runs land in {@code <out>/injector-<i>/<run id>}, the merge in
 * {@code <out>/merged}.
 *
 * <pre>{@code
 * LocalSplit.Result r = LocalSplit.run(new LocalSplit.Options(3, classpath, "http://127.0.0.1:8000",
 *     List.of("-Dcapkit.scenario=quickstart", "-Dcapkit.qps=30"), Path.of("target/split"),
 *     Duration.ofSeconds(25), Duration.ofMinutes(30), "2G"), System.out);
 * }</pre>
 */
public final class LocalSplit {
  /** Gatling's entry point and capkit's simulation, run in each injector JVM. */
  static final String GATLING_MAIN = "io.gatling.app.Gatling";
  public static final String SIMULATION = "dev.capkit.simulations.CapkitSimulation";

  /** Lines of an injector's output echoed as progress: capkit's own, and the step table's rows. */
  private static final Pattern PROGRESS = Pattern.compile("^(capkit[: ].*|s\\d\\d-\\S+\\s.*|step\\s+offered.*)$");
  /** What an injector prints when it was not ready before the common start instant. */
  private static final String LATE = "already passed by ";
  /** From the last injector's "ready" to the start instant: time for every injector to see the signal file. */
  static final Duration START_MARGIN = Duration.ofMillis(1_500);
  /** The handshake's signal file in {@code out}. */
  static final String START_FILE = "start-at";

  private LocalSplit() {}

  /**
   * @param injectors  N, the number of injector JVMs (1 runs the whole load in one JVM, the same way)
   * @param classpath  class path holding Gatling, capkit's simulations and their dependencies
   * @param target     base URL every injector sends to ({@code -Dcapkit.target})
   * @param jvmOptions passed to every injector as given ({@code -Dcapkit.scenario=...}, {@code -Xss...});
   *                   the options this class sets itself must not be among them
   * @param out        folder for the injectors' logs and runs and the merged run (created)
   * @param lead       zero: start when every injector is ready (the handshake); else the fixed time from launching
   *                   the JVMs to the common start instant, long enough for the slowest injector to start and
   *                   prepare (an injector that is late says so)
   * @param timeout    longest the injectors may take to get ready, and to run after the start; then they are
   *                   stopped and nothing is merged
   * @param heap       each injector's maximum heap ({@code -Xmx}), e.g. {@code 2G}
   */
  public record Options(int injectors, String classpath, String target, List<String> jvmOptions, Path out,
      Duration lead, Duration timeout, String heap) {
    private static final List<String> OWN = List.of("-Dcapkit.injector=", "-Dcapkit.startAt=", "-Dcapkit.startAtFile=", "-Dcapkit.target=",
        "-Dcapkit.resultsDir=", "-Dcapkit.gatlingResultsDir=", "-Xmx");

    public Options {
      if (injectors < 1) {
        throw new IllegalArgumentException("--injectors " + injectors + ": need at least 1");
      }
      jvmOptions = List.copyOf(jvmOptions);
      for (String o : jvmOptions) {
        for (String own : OWN) {
          if (o.startsWith(own)) {
            throw new IllegalArgumentException("'" + o + "': local split sets " + own.replace("=", "")
                + " for each injector itself" + (own.equals("-Xmx") ? " (use --heap)" : ""));
          }
        }
      }
      if (lead.isNegative() || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("lead " + lead + " and timeout " + timeout + " must be positive");
      }
    }
  }

  /**
   * One injector's outcome.
   *
   * @param exitCode Gatling's exit status (0 all assertions held, 2 an assertion failed, other: see the log);
   *                 -1 when it was stopped at the timeout
   * @param run      its run folder, or null when it wrote none
   * @param lateMs   how late it was for the common start instant (0 when on time)
   */
  public record Injector(int index, int count, int exitCode, Path log, Path run, long lateMs) {
    @Override
    public String toString() {
      return index + "/" + count;
    }
  }

  /** The injectors and, when every one wrote a run, the merged run. */
  public record Result(List<Injector> injectors, Instant startAt, Path merged, RunManifest manifest) {
    /** The injectors that were not ready by the common start instant (their share was sent late). */
    public List<Injector> late() {
      return injectors.stream().filter(i -> i.lateMs() > 0).toList();
    }

    /** 0 when every injector exited 0, else the first non-zero exit status. */
    public int exitCode() {
      return injectors.stream().mapToInt(Injector::exitCode).filter(c -> c != 0).findFirst().orElse(0);
    }
  }

  /**
   * Starts the injectors, waits for them, merges their runs. Throws {@link MergeRefusedException}
   * when the runs cannot be merged (an injector wrote no run, or they are not shares of one run);
   * the injectors' runs and logs stay in {@code out} either way.
   */
  public static Result run(Options o, PrintStream progress) throws IOException, InterruptedException {
    Files.createDirectories(o.out());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    boolean handshake = o.lead().isZero();
    Path signal = o.out().resolve(START_FILE).toAbsolutePath();
    Files.deleteIfExists(signal);
    Instant startAt = handshake ? null : Instant.now().plus(o.lead());
    progress.printf(Locale.ROOT, "capkit split: %d injector JVM(s) against %s, %s; logs and runs in %s%n",
        o.injectors(), o.target(), handshake ? "common start once every one is ready"
            : "common start " + startAt + " (in " + o.lead().toSeconds() + " s)", o.out().toAbsolutePath());
    List<Process> processes = new ArrayList<>();
    List<Thread> pumps = new ArrayList<>();
    long[] late = new long[o.injectors()];
    CountDownLatch ready = new CountDownLatch(o.injectors());
    long launched = System.nanoTime();
    try {
      for (int i = 0; i < o.injectors(); i++) {
        List<String> command = command(java, o, i, handshake ? "-Dcapkit.startAtFile=" + signal
            : "-Dcapkit.startAt=" + startAt.toEpochMilli());
        Path log = o.out().resolve("injector-" + i + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        String prefix = "[" + i + "/" + o.injectors() + "] ";
        int index = i;
        Thread pump = new Thread(() -> pump(p, log, prefix, progress, ms -> late[index] = ms, ready::countDown),
            "injector-" + i + "-output");
        pump.setDaemon(true);
        pump.start();
        pumps.add(pump);
        progress.println("capkit split: injector " + i + "/" + o.injectors() + " started (pid " + p.pid() + "), log " + log);
      }
      if (handshake) {
        startAt = awaitReady(o, processes, ready, signal, launched, progress);
      }
      long deadline = System.nanoTime() + Duration.between(Instant.now(), startAt).plus(o.timeout()).toNanos();
      List<Injector> done = new ArrayList<>();
      for (int i = 0; i < processes.size(); i++) {
        Process p = processes.get(i);
        long left = deadline - System.nanoTime();
        int exit;
        if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
          progress.println("capkit split: injector " + i + "/" + o.injectors() + " still running after the timeout ("
              + o.timeout().toSeconds() + " s after the start): stopping it");
          stop(p);
          exit = -1;
        } else {
          exit = p.exitValue();
        }
        pumps.get(i).join(5_000);
        done.add(new Injector(i, o.injectors(), exit, o.out().resolve("injector-" + i + ".log"),
            runFolder(o.out().resolve("injector-" + i)), late[i]));
        progress.println("capkit split: injector " + i + "/" + o.injectors() + " exited " + exit
            + (exit == 2 ? " (an assertion failed: see its step rows)" : exit == 0 ? "" : " (see its log" + firstError(done.get(i).log()) + ")"));
      }
      for (Injector in : done) {
        if (in.lateMs() > 0) {
          progress.println("capkit split: WARNING injector " + in + " was " + in.lateMs() + " ms late for the common start:"
              + " its share was sent that much later than planned; raise --lead-seconds");
        }
      }
      return merge(o, done, startAt, progress);
    } finally {
      for (Process p : processes) {
        if (p.isAlive()) {
          stop(p);
        }
      }
    }
  }

  /**
   * Waits until every injector has said it is ready, then writes the start instant to the signal file
   * (whole: a temporary name renamed). Returns that instant. Stops waiting when an injector exits
   * first (its log says why: the others are then stopped) or at the timeout; throws
   * {@link MergeRefusedException} naming the injectors not ready.
   */
  private static Instant awaitReady(Options o, List<Process> processes, CountDownLatch ready, Path signal, long launched,
      PrintStream progress) throws IOException, InterruptedException {
    long deadline = launched + o.timeout().toNanos();
    while (!ready.await(50, TimeUnit.MILLISECONDS)) {
      for (int i = 0; i < processes.size(); i++) {
        if (!processes.get(i).isAlive()) {
          throw new MergeRefusedException("injector " + i + "/" + o.injectors() + " exited " + processes.get(i).exitValue()
              + " before it was ready for the common start; its output is in "
              + o.out().resolve("injector-" + i + ".log") + firstError(o.out().resolve("injector-" + i + ".log")));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new MergeRefusedException(ready.getCount() + " of " + o.injectors() + " injector(s) not ready "
            + o.timeout().toSeconds() + " s after launch; their logs are in " + o.out());
      }
    }
    Instant startAt = Instant.now().plus(START_MARGIN);
    Path partial = signal.resolveSibling(START_FILE + ".partial");
    Files.writeString(partial, Long.toString(startAt.toEpochMilli()), StandardCharsets.UTF_8);
    Files.move(partial, signal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    progress.printf(Locale.ROOT, "capkit split: all %d injector(s) ready %.1f s after launch; common start %s%n",
        o.injectors(), (System.nanoTime() - launched) / 1e9, startAt);
    return startAt;
  }

  private static Result merge(Options o, List<Injector> done, Instant startAt, PrintStream progress) throws IOException {
    List<Path> runs = new ArrayList<>();
    for (Injector in : done) {
      if (in.run() == null) {
        throw new MergeRefusedException("injector " + in + " wrote no run (exit " + in.exitCode() + "); its output is in "
            + in.log() + firstError(in.log()));
      }
      runs.add(in.run());
    }
    Path merged = o.out().resolve("merged");
    RunManifest manifest = RunMerger.merge(runs, merged);
    progress.println("capkit split: merged " + runs.size() + " injector run(s) into " + merged.toAbsolutePath()
        + " (status " + manifest.status() + ")");
    return new Result(List.copyOf(done), startAt, merged, manifest);
  }

  /** @param start {@code -Dcapkit.startAt=<epoch ms>} or {@code -Dcapkit.startAtFile=<file>} */
  static List<String> command(Path java, Options o, int index, String start) {
    List<String> c = new ArrayList<>();
    c.add(java.toString());
    c.add("-Xmx" + o.heap());
    c.add("-XX:+ExitOnOutOfMemoryError"); // as the simulations pom gives Gatling: end, do not hang
    c.add("--add-opens=java.base/java.lang=ALL-UNNAMED"); // Gatling's stats writer needs it (its launcher adds it too)
    c.addAll(o.jvmOptions());
    c.add("-Dcapkit.target=" + o.target());
    c.add("-Dcapkit.injector=" + index + "/" + o.injectors());
    c.add(start);
    c.add("-Dcapkit.resultsDir=" + o.out().resolve("injector-" + index).toAbsolutePath());
    Path gatling = o.out().resolve("gatling-" + index).toAbsolutePath();
    c.add("-Dcapkit.gatlingResultsDir=" + gatling);
    c.add("-cp");
    c.add(o.classpath());
    c.add(GATLING_MAIN);
    c.addAll(List.of("-s", SIMULATION, "-rf", gatling.toString(), "-nr")); // -nr: the merged run gets capkit's report
    return c;
  }

  /** Copies an injector's output to its log, echoing capkit's lines with the injector's prefix. */
  private static void pump(Process p, Path log, String prefix, PrintStream progress, java.util.function.LongConsumer late,
      Runnable ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        w.write(line);
        w.write('\n');
        w.flush();
        if (PROGRESS.matcher(line).matches()) {
          progress.println(prefix + line);
        }
        if (line.startsWith(RunOptions.READY_FOR_START)) {
          ready.run();
        }
        int at = line.indexOf(LATE);
        if (line.startsWith("capkit: start instant") && at >= 0) {
          String rest = line.substring(at + LATE.length());
          try {
            late.accept(Long.parseLong(rest.substring(0, rest.indexOf(' '))));
          } catch (RuntimeException e) {
            late.accept(1);
          }
        }
      }
    } catch (IOException e) {
      progress.println(prefix + "capkit split: output not copied to " + log + ": " + e.getMessage());
    }
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The one run folder an injector wrote under {@code dir}, or null. */
  static Path runFolder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (var s = Files.list(dir)) {
      List<Path> runs = s.filter(d -> Files.exists(d.resolve("run.json"))).sorted().toList();
      if (runs.size() > 1) {
        throw new MergeRefusedException("injector folder " + dir + " holds " + runs.size() + " runs; expected one");
      }
      return runs.isEmpty() ? null : runs.get(0);
    }
  }

  /** The injector's first error line (capkit's one-line errors start with "capkit: error"), for the message. */
  private static String firstError(Path log) {
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.startsWith("capkit: error") || l.contains("Exception")).findFirst().map(l -> ": " + l).orElse("");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }
}
