package dev.capkit.simulations;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.results.ShareNote;
import dev.capkit.core.run.InjectorShare;
import dev.capkit.core.run.RunOptions;
import dev.capkit.core.scenario.Durations;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.scenario.StepPlan;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.loadgen.ChatClient;
import dev.capkit.loadgen.PrometheusScraper;
import dev.capkit.netem.EmbeddedNetem;
import dev.capkit.netem.NetworkProfile;
import dev.capkit.netem.NetworkProfiles;
import java.io.IOException;
import java.io.PrintStream;
import dev.capkit.core.results.RequestLogReader;
import dev.capkit.core.results.RequestLogWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything a load run needs before the first request: the options ({@link RunOptions}, read once),
 * the scenario with its overrides, the target (started and probed: {@link StartedTarget}), the
 * arrival plan and the results folder. Bad input fails here, before any load. The Gatling side of
 * the main job is {@link MainJob}; the after-run work is {@code dev.capkit.pipeline.AfterRun}.
 */
public final class RunSetup implements AutoCloseable {
  private final RunOptions options;
  private final Scenario scenario;
  private final StartedTarget target;
  private final PrometheusScraper scraper;
  private final LoadRun run;
  private final ArrivalSchedule schedule;
  private final RequestSource source;
  private SearchDispatcher dispatcher;
  private dev.capkit.loadgen.live.MetricsEndpoint liveEndpoint;
  private final java.time.Instant prepared = java.time.Instant.now(); // start of the window read from -Dcapkit.prometheus
  private PrintStream out;
  private RequestLogWriter requestLog;

  private RunSetup(RunOptions options, Scenario scenario, StartedTarget target, PrometheusScraper scraper, LoadRun run,
      ArrivalSchedule schedule, RequestSource source) {
    this.options = options;
    this.scenario = scenario;
    this.target = target;
    this.scraper = scraper;
    this.run = run;
    this.schedule = schedule;
    this.source = source;
  }

  /** Prepares a run from system properties and environment; prints what it is about to do on {@code out}. */
  public static RunSetup prepare(Properties props, Map<String, String> env, PrintStream out) throws IOException {
    return prepare(RunOptions.parse(props, env), out);
  }

  /** Prepares a run from its options; prints what it is about to do on {@code out}. */
  public static RunSetup prepare(RunOptions options, PrintStream out) throws IOException {
    Scenario scenario = options.loadScenario();
    InjectorShare share = options.share();
    ArrivalSchedule schedule = RequestSource.isOpen(scenario.load()) && !scenario.searches()
        ? ArrivalSchedule.plan(scenario, share) : null;
    if (scenario.searches() && share.count() > 1) {
      throw new ScenarioException("-D" + InjectorShare.PROPERTY, "", "a capacity search (load.search in " + scenario.source()
          + ") chooses each probe from the one before: it runs on one injector, not " + share);
    }
    if (scenario.searches() && scenario.load() instanceof dev.capkit.core.scenario.LoadShape.Trace) {
      throw new ScenarioException(scenario.source(), "load.search", "a trace replays its own timing: search open-loop rates"
          + " (load.model open) or agents (load.model closed)");
    }
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
    Map<String, NetworkProfile> profiles = networkProfiles(scenario, options);
    StartedTarget target = StartedTarget.start(scenario, options, profiles, out);

    String runId = runId(scenario);
    RunWriter writer = RunWriter.create(options.resultsDir().resolve(runId),
        manifest(runId, scenario, target, share, profiles), Clock.systemUTC(), true);
    SearchDriver driver = scenario.searches()
        ? new SearchDriver(scenario, out, RunLayout.of(writer.folder()).searchLog(), writer.manifest().target().basis()) : null;
    LoadRun run = driver != null
        ? new LoadRun(scenario, writer, out, driver, SearchDriver.MAX_PROBES, target.netem() != null)
        : new LoadRun(scenario, writer, out, expectedPerStep(scenario, schedule), target.netem() != null);
    if (driver != null) {
      driver.attach(run);
    }
    if (target.netem() != null) {
      EmbeddedNetem proxy = target.netem();
      run.onStepStart(step -> proxy.applyProfile(profiles.get(step.network())));
    }
    RequestFactory factory = new RequestFactory(scenario, target.prompts().charsPerToken(), target.exactOutput());
    RequestSource source = new RequestSource(run, schedule, factory, target.client(), share);
    run.onStepClosing(source::abandonUnsent);
    announce(scenario, schedule, writer, out);
    // The target's own view (queue, KV, process CPU and memory) for container sizing: scraped
    // directly, never through netem, every 2 s into the run folder.
    URI metrics = target.direct().resolve("/metrics");
    PrometheusScraper scraper = null;
    if (options.prometheus() == null) {
      scraper = PrometheusScraper.start(target.client(), metrics, Duration.ofSeconds(2),
          ServerSamplesWriter.create(writer.folder(), metrics.toString(), 2.0), warning -> out.println("capkit: " + warning));
      out.println("capkit: scraping " + metrics + " every 2 s into " + ServerSamplesReader.FILE_NAME);
    } else {
      out.println("capkit: server samples will be read from Prometheus " + options.prometheus().url() + " at the end of the run");
    }
    RunSetup setup = new RunSetup(options, scenario, target, scraper, run, schedule, source);
    setup.out = out;
    setup.dispatcher = driver == null ? null : RequestSource.isOpen(scenario.load())
        ? new ProbeDispatcher(driver, run, source, factory) : new AgentDispatcher(driver, run, source, factory);
    if (options.requestLog()) {
      setup.requestLog = RequestLogWriter.create(writer.folder(), runId, scenario.steps().stream().map(StepPlan::id).toList());
      run.observe(setup.requestLog);
      out.println("capkit: every request is logged to " + RequestLogReader.FILE_NAME + " (-Dcapkit.requestLog=true)");
    }
    setup.liveEndpoint = LiveMetricsOption.start(options.metricsPort(), run, out);
    try { // distributed: every injector's first request at the common start instant
      StartInstant.await(options.startAtEpochMillis(), options.startAtFile(), out);
    } catch (IllegalStateException e) {
      setup.close();
      throw e;
    }
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
      throw new UncheckedIOException(e);
    } catch (IllegalStateException e) { // no start signal (StartInstant)
      out.println("capkit: error: " + e.getMessage());
      out.flush();
      throw e;
    }
  }

  private static String runId(Scenario scenario) {
    return scenario.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  private static RunManifest manifest(String runId, Scenario scenario, StartedTarget target, InjectorShare share,
      Map<String, NetworkProfile> profiles) {
    List<String> notes = new ArrayList<>();
    if (share.count() > 1) {
      notes.add(ShareNote.of(share.toString(), "open loop: planned arrivals whose sequence % "
          + share.count() + " == " + share.index() + "; closed loop: agents " + share.index() + ", " + (share.index() + share.count())
          + ", ..."));
    }
    for (NetworkProfile p : profiles.values()) {
      notes.add("network profile '" + p.name() + "' injected by netem between client and target: " + p.description()
          + " (source: " + p.source() + ")");
    }
    return new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, runId, ScenarioInfo.of(scenario),
        target.info(), software(target.client().scheduling()), "microseconds", Instant.now().toString(), null, List.of(), notes, null);
  }

  /** Open loop: the planned arrivals per step (a step closes only once all were registered); null for closed loop. */
  private static long[] expectedPerStep(Scenario scenario, ArrivalSchedule schedule) {
    if (schedule == null) {
      return null;
    }
    long[] expected = new long[scenario.steps().size()];
    for (Arrival a : schedule.arrivals()) {
      if (a.step() >= 0) {
        expected[a.step()]++;
      }
    }
    return expected;
  }

  private static void announce(Scenario scenario, ArrivalSchedule schedule, RunWriter writer, PrintStream out) {
    if (scenario.searches()) {
      out.println("capkit: scenario " + scenario.name() + " (" + scenario.source() + "): capacity search; every probe is a step,"
          + " planned as the run goes; the search's record: " + RunLayout.of(writer.folder()).searchLog().getFileName());
      out.println("capkit: results are written as the run goes to " + writer.folder().toAbsolutePath());
      return;
    }
    out.println("capkit: scenario " + scenario.name() + " (" + scenario.source() + "): " + scenario.steps().size()
        + " step(s), " + Durations.format(scenario.loadDuration()) + " of load"
        + (schedule == null ? ", closed loop" : ", " + schedule.size() + " planned requests"));
    if (!scenario.load().leadIn().isZero()) {
      out.println("capkit:   lead-in " + Durations.format(scenario.load().leadIn()) + " (not recorded): "
          + (scenario.load() instanceof dev.capkit.core.scenario.LoadShape.Open o && !o.rampUp().isZero()
              ? "ramp-up " + Durations.format(o.rampUp()) + " from 0, then " : "")
          + "warm-up " + Durations.format(scenario.load().warmup()) + " at the first step's load (-Dcapkit.warmup=0s: none)");
    }
    for (StepPlan s : scenario.steps()) {
      out.println("capkit:   " + s.id() + "  " + s.offered() + " " + s.unit() + " for " + Durations.format(s.duration())
          + (s.network().equals("none") ? "" : " via network profile " + s.network()));
    }
    out.println("capkit: results are written as the run goes to " + writer.folder().toAbsolutePath());
  }

  /**
   * The network profiles the steps name, from {@code <scenariosDir>/network/network-profiles.json}
   * (or {@code -Dcapkit.networkProfiles=FILE}); empty when every step is direct ({@code none}).
   */
  static Map<String, NetworkProfile> networkProfiles(Scenario scenario, RunOptions options) {
    Map<String, NetworkProfile> out = new LinkedHashMap<>();
    if (scenario.networks().stream().allMatch("none"::equals)) {
      return out;
    }
    Path explicit = options.networkProfiles();
    Path file = explicit != null ? explicit : options.scenariosDir().resolve("network").resolve("network-profiles.json");
    NetworkProfiles catalog;
    try {
      catalog = Files.exists(file) || explicit != null ? NetworkProfiles.load(file) : NetworkProfiles.loadDefault();
    } catch (RuntimeException e) {
      throw new ScenarioException(file.toString(), "", e.getMessage());
    }
    for (String name : scenario.networks()) {
      if (!catalog.all().containsKey(name)) {
        boolean fromFlag = options.overrides("network");
        throw new ScenarioException(fromFlag ? "-Dcapkit.network" : scenario.source(), fromFlag ? "" : "network",
            "'" + name + "' is not a network profile (known in "
            + catalog.origin() + ": " + String.join(", ", catalog.all().keySet()) + ")");
      }
      out.put(name, catalog.get(name));
    }
    return out;
  }

  private static Map<String, String> software(String loadgenScheduling) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("capkit", dev.capkit.core.CapkitVersion.get());
    s.put("java", System.getProperty("java.version"));
    s.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    s.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    s.put("loadgenScheduling", loadgenScheduling); // -Dcapkit.loadgen.realtime
    return s;
  }

  public RunOptions options() {
    return options;
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

  /** The capacity search's sender (scenario {@code load.search}: open-loop rates or agents), or null for a ladder. */
  public SearchDispatcher dispatcher() {
    return dispatcher;
  }

  public RequestSource source() {
    return source;
  }

  public ChatClient client() {
    return target.client();
  }

  /** This injector's share of the load ({@link InjectorShare#WHOLE} unless {@code -Dcapkit.injector=i/N}). */
  public InjectorShare share() {
    return options.share();
  }

  /** The embedded emulator, or null when the run has a real target. */
  public EmbeddedEmulator emulator() {
    return target.emulator();
  }

  /** Releases the live metrics endpoint, scraper, client, proxy and emulator. */
  @Override
  public void close() {
    LiveMetricsOption.stop(liveEndpoint);
    if (requestLog != null) {
      try {
        requestLog.close();
      } catch (IOException e) {
        out.println("capkit: " + RequestLogReader.FILE_NAME + " not completed: " + e.getMessage());
      }
    }
    if (options.prometheus() != null) {
      RunPrometheusOption.writeHistory(options.prometheus(), run.writer().folder(), prepared, out);
    }
    try {
      if (scraper != null) {
        scraper.close();
      }
    } catch (RuntimeException e) {
      // the samples written so far stay in the run folder
    }
    target.close();
  }
}
