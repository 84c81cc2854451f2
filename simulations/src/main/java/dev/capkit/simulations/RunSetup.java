package dev.capkit.simulations;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.ChatEndpoint;
import dev.capkit.loadgen.ProbeResult;
import dev.capkit.loadgen.PrometheusScraper;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.planner.PlanOptions;
import dev.capkit.planner.PlanResult;
import dev.capkit.planner.Planner;
import dev.capkit.planner.output.PlanMarkdown;
import dev.capkit.planner.output.PlanWriters;
import dev.capkit.reports.HtmlReport;
import dev.capkit.netem.EmbeddedNetem;
import dev.capkit.netem.NetworkProfile;
import dev.capkit.netem.NetworkProfiles;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything a load run needs before the first request: the scenario (with overrides), the target
 * (the embedded emulator unless {@code capkit.target} names a real endpoint, which is probed first),
 * the client, the arrival plan and the results folder. Bad input fails here, before any load.
 *
 * <p>Properties read (all {@code -Dcapkit.*}): {@code scenario} (name or path, default
 * {@code quickstart}), {@code scenariosDir}, {@code target}, {@code apiKey} (else environment
 * {@code CAPKIT_API_KEY}), {@code tier}, {@code resultsDir}, plus the scenario overrides listed in
 * {@link ScenarioLoader}.
 */
public final class RunSetup implements AutoCloseable {
  private final Scenario scenario;
  private final EmbeddedEmulator emulator;
  private final EmbeddedNetem netem;
  private final InjectorShare share;
  private final PrometheusScraper scraper;
  private final Properties props;
  private final ChatClient client;
  private final LoadRun run;
  private final ArrivalSchedule schedule;
  private final RequestSource source;
  private dev.capkit.loadgen.live.MetricsEndpoint liveEndpoint;

  private RunSetup(Scenario scenario, InjectorShare share, EmbeddedEmulator emulator, EmbeddedNetem netem, PrometheusScraper scraper,
      Properties props, ChatClient client, LoadRun run, ArrivalSchedule schedule, RequestSource source) {
    this.scenario = scenario;
    this.share = share;
    this.scraper = scraper;
    this.props = props;
    this.emulator = emulator;
    this.netem = netem;
    this.client = client;
    this.run = run;
    this.schedule = schedule;
    this.source = source;
  }

  /** Prepares a run from system properties and environment; prints what it is about to do on {@code out}. */
  public static RunSetup prepare(Properties props, Map<String, String> env, PrintStream out) throws IOException {
    Path scenariosDir = Path.of(props.getProperty("capkit.scenariosDir", "scenarios"));
    Path file = ScenarioLoader.resolve(props.getProperty("capkit.scenario", "quickstart"), scenariosDir);
    Scenario scenario = ScenarioLoader.load(file, ScenarioLoader.overridesFrom(props));
    InjectorShare share;
    try {
      share = InjectorShare.of(props);
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("-D" + InjectorShare.PROPERTY, "", e.getMessage());
    }
    ArrivalSchedule schedule = RequestSource.isOpen(scenario.load())
        ? ArrivalSchedule.plan(scenario, share) : null; // distributed: -Dcapkit.injector=i/N
    if (schedule != null && schedule.size() == 0) {
      throw new ScenarioException(scenario.source(), "load", "the plan has no requests: every step's rate x duration"
          + " is too small for even one arrival (raise load.qps or load.stepDuration)");
    }

    for (StepPlan step : scenario.steps()) {
      if (step.unit().equals("agents") && share.agents((int) step.offered()) == 0) {
        throw new ScenarioException("-D" + InjectorShare.PROPERTY, "", "injector " + share + " gets none of the "
            + (int) step.offered() + " agents of step " + step.id() + ": use at most " + (int) step.offered() + " injectors");
      }
    }
    Map<String, NetworkProfile> profiles = networkProfiles(scenario, scenariosDir, props);

    String targetProp = props.getProperty("capkit.target");
    String apiKey = props.getProperty("capkit.apiKey", env.get("CAPKIT_API_KEY"));
    EmbeddedEmulator emulator = null;
    URI base;
    String tier;
    Map<String, String> emulatorInfo = new LinkedHashMap<>();
    if (targetProp == null || targetProp.isBlank()) {
      EmulatorOptions options = dev.capkit.emulator.ScenarioEmulatorOptions.options(scenario, apiKey, props);
      try {
        emulator = EmbeddedEmulator.start(options);
      } catch (dev.capkit.twin.ServingRefusedException | RuntimeException e) {
        throw new ScenarioException(scenario.source(), "emulator", e.getMessage());
      }
      base = emulator.baseUri();
      tier = scenario.emulator().tier();
      emulatorInfo.put("tier", tier);
      emulatorInfo.put("dtype", scenario.emulator().dtype());
      emulatorInfo.put("profile", scenario.emulator().profile());
      emulatorInfo.put("description", emulator.describe());
      out.println("capkit: no -Dcapkit.target given: started the embedded emulator at " + base);
      out.println("capkit:   " + emulator.describe());
    } else {
      try {
        base = URI.create(targetProp.replaceAll("/+$", "").replaceAll("/v1$", ""));
      } catch (IllegalArgumentException e) {
        throw new ScenarioException("-Dcapkit.target", "", "'" + targetProp + "' is not a URL (use http://host:port)");
      }
      tier = props.getProperty("capkit.tier", "unlabelled");
      if ("emulator".equals(props.getProperty("capkit.targetKind"))) {
        // ./capkit split: a standalone emulator started from this scenario's emulator settings
        tier = props.getProperty("capkit.tier", scenario.emulator().tier());
        emulatorInfo.put("tier", tier);
        emulatorInfo.put("dtype", scenario.emulator().dtype());
        emulatorInfo.put("profile", scenario.emulator().profile());
        emulatorInfo.put("description", "standalone emulator shared by the injectors of ./capkit split");
      }
    }
    EmbeddedNetem netem = null;
    URI direct = base;
    if (!profiles.isEmpty()) {
      int port = base.getPort() > 0 ? base.getPort() : 80;
      netem = EmbeddedNetem.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress(base.getHost(), port), scenario.seed());
      netem.applyProfile(profiles.get(scenario.steps().get(0).network()));
      base = netem.rewrite(base);
      out.println("capkit: network profiles go through netem at " + base + " -> " + direct);
    }
    ChatEndpoint endpoint;
    try {
      endpoint = new ChatEndpoint(base, scenario.model(), apiKey, scenario.timeouts());
    } catch (IllegalArgumentException e) {
      closeQuietly(netem);
      closeQuietly(emulator);
      throw new ScenarioException("-Dcapkit.target", "", e.getMessage());
    }
    ChatClient client = new ChatClient(endpoint);
    try {
      probe(client, base, scenario);
    } catch (RuntimeException e) {
      client.close();
      closeQuietly(netem);
      closeQuietly(emulator);
      throw e;
    }

    Path resultsDir = Path.of(props.getProperty("capkit.resultsDir", "target/capkit-runs"));
    String runId = scenario.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    List<String> notes = new ArrayList<>();
    if (share.count() > 1) {
      notes.add(dev.capkit.core.results.ShareNote.of(share.toString(), "open loop: planned arrivals whose sequence % "
          + share.count() + " == " + share.index() + "; closed loop: agents " + share.index() + ", " + (share.index() + share.count())
          + ", ..."));
    }
    for (NetworkProfile p : profiles.values()) {
      notes.add("network profile '" + p.name() + "' injected by netem between client and target: " + p.description()
          + " (source: " + p.source() + ")");
    }
    RunManifest manifest = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, runId, ScenarioInfo.of(scenario),
        new TargetInfo(direct.toString(), scenario.model(), emulatorInfo.isEmpty() ? "remote" : "emulator", tier, emulatorInfo),
        software(), "microseconds", java.time.Instant.now().toString(), null, List.of(), notes, null);
    RunWriter writer = RunWriter.create(resultsDir.resolve(runId), manifest, Clock.systemUTC(), true);

    long[] expected = null;
    if (schedule != null) {
      expected = new long[scenario.steps().size()];
      for (Arrival a : schedule.arrivals()) {
        expected[a.step()]++;
      }
    }
    LoadRun run = new LoadRun(scenario, writer, out, expected, netem != null);
    if (netem != null) {
      EmbeddedNetem proxy = netem;
      run.onStepStart(step -> proxy.applyProfile(profiles.get(step.network())));
    }
    RequestFactory factory = new RequestFactory(scenario);
    RequestSource source = new RequestSource(run, schedule, factory, client, share);
    run.onStepClosing(source::abandonUnsent);
    out.println("capkit: scenario " + scenario.name() + " (" + scenario.source() + "): " + scenario.steps().size()
        + " step(s), " + dev.capkit.core.scenario.Durations.format(scenario.loadDuration()) + " of load"
        + (schedule == null ? ", closed loop" : ", " + schedule.size() + " planned requests"));
    for (StepPlan s : scenario.steps()) {
      out.println("capkit:   " + s.id() + "  " + s.offered() + " " + s.unit() + " for " + dev.capkit.core.scenario.Durations.format(s.duration())
          + (s.network().equals("none") ? "" : " via network profile " + s.network()));
    }
    out.println("capkit: results are written as the run goes to " + writer.folder().toAbsolutePath());
    // The target's own view (queue, KV, process CPU and memory) for container sizing: scraped
    // directly, never through netem, every 2 s into the run folder.
    URI metrics = direct.resolve("/metrics");
    PrometheusScraper scraper = PrometheusScraper.start(metrics, java.time.Duration.ofSeconds(2),
        ServerSamplesWriter.create(writer.folder(), metrics.toString(), 2.0));
    out.println("capkit: scraping " + metrics + " every 2 s into " + ServerSamplesReader.FILE_NAME);
    RunSetup setup = new RunSetup(scenario, share, emulator, netem, scraper, props, client, run, schedule, source);
    setup.liveEndpoint = LiveMetricsOption.start(props, run, out);
    StartInstant.await(props, out); // distributed: every injector's first request at -Dcapkit.startAt
    return setup;
  }

  /**
   * {@link #prepare} for the Gatling simulation: bad input is printed as one clear line
   * ({@code capkit: error: <file>: field '<f>': <problem>}) before Gatling reports the failure.
   */
  public static RunSetup prepareOrExplain(Properties props, Map<String, String> env, PrintStream out) {
    try {
      return prepare(props, env, out);
    } catch (ScenarioException e) {
      out.println("capkit: error: " + e.getMessage());
      out.flush();
      throw e;
    } catch (IOException e) {
      out.println("capkit: error: " + e.getMessage());
      out.flush();
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether the plan sends any request of this kind (Gatling fails assertions on never-sent names). */
  public boolean expectsRequestsOf(String kind) {
    if (schedule == null) {
      return true;
    }
    int index = -1;
    for (int i = 0; i < scenario.mix().size(); i++) {
      if (scenario.mix().get(i).kind().equals(kind)) {
        index = i;
      }
    }
    for (Arrival a : schedule.arrivals()) {
      if (a.mixIndex() == index) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the run: waits for every step to close, writes the final run.json, prints where results
   * are and the verdict of every objective on every step. Returns the broken objectives as one
   * line (empty when all held).
   *
   * @param simulationClass simple name of the Gatling simulation (its report folder's prefix)
   */
  public String finish(PrintStream out, String simulationClass) {
    Completion c = complete(simulationClass, out);
    out.println();
    out.println("capkit: " + c.steps() + " step(s) measured; results (format v" + RunReader.FORMAT_VERSION + "): "
        + run.writer().folder().toAbsolutePath().resolve("run.json"));
    out.println("capkit: objectives " + (c.broken().isEmpty() ? "held on every step" : "BROKEN: " + c.broken()));
    if (c.gate() != 0) {
      out.println("capkit: regression gate exit " + c.gate() + " (details above and in " + run.writer().folder().resolve("gate") + ")");
    }
    if (share.count() > 1) {
      // A plan from 1/N of the load would undercount it N times: plan and report the merged run.
      out.println("capkit: plan and report skipped: injector " + share + " holds one share of the load; "
          + "./capkit merge the injectors' runs, then ./capkit plan and ./capkit report the merged run "
          + "(./capkit split does all of it)");
    } else {
      report(plan(out), out);
    }
    out.flush();
    return c.gate() == 0 ? c.broken() : (c.broken().isEmpty() ? "" : c.broken() + "; ") + "regression gate exit " + c.gate();
  }

  /** How a run ended: steps measured, broken objectives (one line, empty when all held), the gate's exit status. */
  public record Completion(int steps, String broken, int gate) {}

  private Completion completion;

  /**
   * Closes the measured part of the run, once: waits for every step, writes the final run.json,
   * releases client, proxy, scraper and emulator, and runs the regression gate when
   * {@code -Dcapkit.baseline} is set. The simulation calls it while Gatling's stats are still
   * open, so the gate's verdict can fail the build as a Gatling assertion.
   */
  public synchronized Completion complete(String simulationClass, PrintStream out) {
    if (completion != null) {
      return completion;
    }
    try {
      List<dev.capkit.core.results.StepSummary> steps = run.awaitSteps(maxRunTime());
      String broken = brokenObjectives(steps);
      run.complete(gatlingReport(simulationClass), true);
      completion = new Completion(steps.size(), broken, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing steps; results so far are in " + run.writer().folder());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing run.json failed in " + run.writer().folder(), e);
    } finally {
      LiveMetricsOption.stop(liveEndpoint);
      close();
    }
    completion = new Completion(completion.steps(), completion.broken(), gate(out));
    return completion;
  }

  /** Whether a regression gate runs at the end ({@code -Dcapkit.baseline} is set). */
  public boolean gated() {
    String baseline = props.getProperty("capkit.baseline");
    return baseline != null && !baseline.isBlank();
  }

  /**
   * The CI regression gate (issue #7), only when {@code -Dcapkit.baseline=<baseline file or run folder>}
   * is set (a relative path may be relative to the repository root): judges this run against it with
   * the default tolerance, prints the table and writes gate.txt, junit.xml and summary.md to the run
   * folder's {@code gate/}. Returns the gate's exit status (0 pass, 1 regression, 2 unusable input).
   */
  private int gate(PrintStream out) {
    if (!gated()) {
      return 0;
    }
    String baseline = props.getProperty("capkit.baseline");
    Path file = Path.of(baseline);
    Path root = Path.of(props.getProperty("capkit.scenariosDir", "scenarios")).toAbsolutePath().getParent();
    if (!file.isAbsolute() && !java.nio.file.Files.exists(file) && root != null) {
      file = root.resolve(baseline);
    }
    Path folder = run.writer().folder();
    out.println();
    try {
      dev.capkit.gate.GateVerdict verdict = dev.capkit.gate.GateMain.judge(file, folder, dev.capkit.gate.Tolerance.defaults(),
          dev.capkit.gate.GateMain.DEFAULT_CONFIDENCE);
      dev.capkit.gate.GateMain.write(verdict, folder.resolve("gate"), out);
      return verdict.exitCode();
    } catch (IOException | RuntimeException e) {
      out.println("capkit gate: " + e.getMessage() + " (exit 2: unusable input)");
      return dev.capkit.gate.GateVerdict.UNUSABLE;
    }
  }

  /** Longest a run can take: all steps, the last requests' whole timeout, and a minute of slack. */
  public java.time.Duration maxRunTime() {
    return scenario.loadDuration().plus(scenario.timeouts().total()).plusSeconds(60);
  }

  /**
   * Plans from this run (issue: load, results, plan, report in one job). The target rate is
   * {@code -Dcapkit.targetQps}, else the run's highest offered rate, and the plan says which.
   * A plan that cannot be made is reported as such; the measured run stands regardless.
   */
  private Path plan(PrintStream out) {
    Path folder = run.writer().folder();
    String explicit = props.getProperty("capkit.targetQps");
    double target;
    String why;
    if (explicit != null) {
      try {
        target = Double.parseDouble(explicit);
      } catch (NumberFormatException e) {
        out.println("capkit: plan skipped: -Dcapkit.targetQps '" + explicit + "' is not a number");
        return null;
      }
      why = "-Dcapkit.targetQps";
    } else {
      Scenario.PlanTarget fallback = scenario.defaultPlanTarget("-Dcapkit.targetQps");
      target = fallback.qps();
      why = fallback.why();
    }
    out.println();
    out.printf(java.util.Locale.ROOT, "capkit: planning for %.2f req/s (%s)...%n", target, why);
    out.flush();
    try {
      PlanOptions options = PlanOptions.defaults(target);
      String catalog = props.getProperty("capkit.catalogDir");
      if (catalog != null) {
        options = options.withCatalogDir(Path.of(catalog));
      }
      PlanResult plan = Planner.planRuns(List.of(folder), options);
      List<Path> files = PlanWriters.writeAll(plan, folder.resolve("plan"));
      out.print(PlanMarkdown.tierTable(plan));
      out.println("capkit: plan: " + files.stream().map(p -> p.toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(", ")));
      return files.stream().filter(p -> p.getFileName().toString().equals("plan.json")).findFirst().orElse(null);
    } catch (RuntimeException | IOException e) {
      out.println("capkit: plan: not made: " + e.getMessage());
      return null;
    }
  }

  private void report(Path planJson, PrintStream out) {
    Path html = run.writer().folder().resolve("report.html");
    try {
      HtmlReport.write(List.of(run.writer().folder()), planJson, null, html);
      out.println("capkit: report: " + html.toAbsolutePath());
    } catch (RuntimeException | dev.capkit.reports.ReportException e) {
      out.println("capkit: report: not written: " + e.getMessage());
    }
  }

  static String brokenObjectives(List<dev.capkit.core.results.StepSummary> steps) {
    List<String> broken = new ArrayList<>();
    for (var s : steps) {
      for (var v : s.slo()) {
        if (!v.met()) {
          broken.add(s.id() + " " + StepTable.verdict(v) + " (limit " + (v.key().equals("errors")
              ? String.format(java.util.Locale.ROOT, "%.2f%%", v.limit() * 100) : StepTable.ms(v.limit()) + " ms") + ")");
        }
      }
    }
    return String.join("; ", broken);
  }

  /**
   * Gatling's report folder of this run: {@code <simulation>-<yyyyMMddHHmmssSSS>} in the results
   * folder, the one of this simulation class whose timestamp is closest to this run's start (runs of
   * other simulations, or earlier and concurrent runs, sit in the same folder). Gatling writes its
   * HTML after {@code after()}, but the folder already exists.
   */
  private String gatlingReport(String simulationClass) {
    String dir = System.getProperty("capkit.gatlingResultsDir");
    if (dir == null || simulationClass == null) {
      return null;
    }
    String prefix = simulationClass.toLowerCase(java.util.Locale.ROOT) + "-";
    long start = java.time.Instant.parse(run.writer().manifest().startedAt()).toEpochMilli();
    var stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    try (var folders = java.nio.file.Files.list(Path.of(dir))) {
      return folders.filter(java.nio.file.Files::isDirectory)
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().substring(prefix.length()).matches("\\d{17}"))
          .min(java.util.Comparator.comparingLong(p -> Math.abs(java.time.LocalDateTime
              .parse(p.getFileName().toString().substring(prefix.length()), stamp)
              .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli() - start)))
          .map(p -> p.resolve("index.html").toAbsolutePath().toString())
          .orElse(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The network profiles the steps name, from {@code <scenariosDir>/network/network-profiles.json}
   * (or {@code -Dcapkit.networkProfiles=FILE}); empty when every step is direct ({@code none}).
   */
  static Map<String, NetworkProfile> networkProfiles(Scenario scenario, Path scenariosDir, Properties props) {
    Map<String, NetworkProfile> out = new LinkedHashMap<>();
    if (scenario.networks().stream().allMatch("none"::equals)) {
      return out;
    }
    String explicit = props.getProperty("capkit.networkProfiles");
    Path file = explicit != null ? Path.of(explicit) : scenariosDir.resolve("network").resolve("network-profiles.json");
    NetworkProfiles catalog;
    try {
      catalog = java.nio.file.Files.exists(file) || explicit != null ? NetworkProfiles.load(file) : NetworkProfiles.loadDefault();
    } catch (RuntimeException e) {
      throw new ScenarioException(file.toString(), "", e.getMessage());
    }
    for (String name : scenario.networks()) {
      if (!catalog.all().containsKey(name)) {
        boolean fromFlag = props.getProperty("capkit.network") != null;
        throw new ScenarioException(fromFlag ? "-Dcapkit.network" : scenario.source(), fromFlag ? "" : "network",
            "'" + name + "' is not a network profile (known in "
            + catalog.origin() + ": " + String.join(", ", catalog.all().keySet()) + ")");
      }
      out.put(name, catalog.get(name));
    }
    return out;
  }

  private static void probe(ChatClient client, URI base, Scenario scenario) {
    ProbeResult probe = client.probe().join();
    if (!probe.ok()) {
      throw new ScenarioException("-Dcapkit.target", "", probe.problem());
    }
  }

  private static Map<String, String> software() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("capkit", dev.capkit.core.CapkitVersion.get());
    s.put("java", System.getProperty("java.version"));
    s.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    s.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    return s;
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // closing after a failed start: the start failure is the error worth reporting
      }
    }
  }

  public Scenario scenario() {
    return scenario;
  }

  public LoadRun run() {
    return run;
  }

  public ArrivalSchedule schedule() {
    return schedule;
  }

  public RequestSource source() {
    return source;
  }

  public ChatClient client() {
    return client;
  }

  /** This injector's share of the load ({@link InjectorShare#WHOLE} unless {@code -Dcapkit.injector=i/N}). */
  public InjectorShare share() {
    return share;
  }

  /** The embedded emulator, or null when the run has a real target. */
  public EmbeddedEmulator emulator() {
    return emulator;
  }

  @Override
  public void close() {
    try {
      scraper.close();
    } catch (RuntimeException e) {
      // the samples written so far stay in the run folder
    }
    client.close();
    closeQuietly(netem);
    closeQuietly(emulator);
  }
}
