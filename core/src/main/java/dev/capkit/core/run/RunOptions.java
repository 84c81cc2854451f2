package dev.capkit.core.run;

import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.scenario.ScenarioLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A load run's options, read once from the {@code capkit.*} system properties (as JMH's
 * {@code Options}): the one place those properties are read and validated. A bad value fails here,
 * before any load, with the property and the value in the message ({@link ScenarioException}, exit 2).
 * Every {@code capkit.*} property that is not one of {@link #RUN_LEVEL} is a scenario override
 * ({@link ScenarioLoader}), which rejects unknown names.
 *
 * <pre>{@code
 * RunOptions o = RunOptions.parse(System.getProperties(), System.getenv());
 * Scenario s = o.loadScenario();      // scenario file + overrides, validated
 * if (o.target().embedded()) { ... }  // no -Dcapkit.target: the embedded emulator
 * }</pre>
 *
 * @param scenario          {@code capkit.scenario}: scenario name or file (default {@code quickstart})
 * @param scenariosDir      {@code capkit.scenariosDir}: where named scenarios are (default {@code scenarios})
 * @param overrides         scenario overrides: every other {@code capkit.*} property, prefix removed
 * @param target            {@code capkit.target}, {@code capkit.targetKind}, {@code capkit.apiKeyFile}, {@code capkit.tier},
 *                          the endpoint settings ({@code capkit.auth}, {@code capkit.caBundle}, ... see {@link RunTarget})
 * @param resultsDir        {@code capkit.resultsDir}: where run folders are created (default {@code target/capkit-runs})
 * @param gatlingResultsDir {@code capkit.gatlingResultsDir}: Gatling's report folder (to link it); may be null
 * @param share             {@code capkit.injector=i/N}: this injector's share (default the whole run)
 * @param startAtEpochMillis {@code capkit.startAt}: common first-request instant of a distributed run; may be null
 * @param startAtFile       {@code capkit.startAtFile}: a local split's start signal: the injector says it is ready, then
 *                          waits for this file to hold the common first-request instant (epoch milliseconds); may be null
 * @param networkProfiles   {@code capkit.networkProfiles}: network profile catalog file; null: the default one
 * @param slowdown          {@code capkit.slowdown}: embedded emulator's engine steps this many times slower (default 1)
 * @param brokenStreams     {@code capkit.brokenStreams}: share of the embedded emulator's streams cut mid-way (default 0)
 * @param metricsPort       {@code capkit.metricsPort}: serve live figures on this loopback port (0: a free one); null: off
 * @param afterRun          {@code capkit.targetQps}, {@code capkit.catalogDir}, {@code capkit.baseline}
 * @param requestLog        {@code capkit.requestLog=true}: write every request to the run folder's {@code requests.jsonl}
 * @param prometheus        {@code capkit.prometheus}, {@code capkit.prometheusSelector}, {@code capkit.prometheusSeries}:
 *                          server samples from that Prometheus instead of scraping the target; null: scrape
 */
public record RunOptions(
    String scenario,
    Path scenariosDir,
    Map<String, String> overrides,
    RunTarget target,
    Path resultsDir,
    Path gatlingResultsDir,
    InjectorShare share,
    Long startAtEpochMillis,
    Path startAtFile,
    Path networkProfiles,
    double slowdown,
    double brokenStreams,
    Integer metricsPort,
    AfterRunOptions afterRun,
    boolean requestLog,
    PrometheusSource prometheus) {

  /** Prefix of extra request headers, {@code capkit.header.<Name>=<value>} (run level). */
  public static final String HEADER = "header.";
  /**
   * What an injector given {@code capkit.startAtFile} prints once it is prepared and waits for the signal; a local
   * split counts these lines before it writes the file.
   */
  public static final String READY_FOR_START = "capkit: ready for the common start";
  private static final List<String> ENDPOINT = List.of("apiKeyFile", "auth", "caBundle", "insecure", "proxy",
      "exactOutputLengths", "loadgen.realtime");

  /** The run-level properties (prefix {@code capkit.} removed) and what each sets. */
  public static final Map<String, String> RUN_LEVEL = runLevel();

  public RunOptions {
    overrides = Map.copyOf(overrides);
  }

  private static Map<String, String> runLevel() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("scenario", "scenario name or file (default quickstart)");
    m.put("scenariosDir", "folder of named scenarios (default scenarios)");
    m.put("target", "endpoint URL (default: the embedded emulator)");
    m.put("targetKind", "emulator: the target is ./capkit split's standalone emulator");
    m.put("apiKeyFile", "file holding the bearer token (default: environment CAPKIT_API_KEY); never a property: process listings show those");
    m.put("apiKey", "refused: a secret on the command line shows in process listings (use CAPKIT_API_KEY or capkit.apiKeyFile)");
    m.put("auth", "how the key is sent: bearer (default), bare, header:<name>");
    m.put("caBundle", "PEM file of CA certificates trusted for an https target");
    m.put("insecure", "true: accept any certificate of an https target (recorded in run.json)");
    m.put("proxy", "http://host:port of an HTTP proxy (CONNECT for https)");
    m.put("exactOutputLengths", "true: send ignore_eos on text chats to engines that honour it");
    m.put("loadgen.realtime", "SCHED_FIFO priority 1..99 for the load generator's event loops and the JVM's safepoint threads"
        + " (a dedicated injector; needs root, CAP_SYS_NICE or ulimit -r; recorded in run.json); 0 or unset: ordinary");
    m.put("tier", "hardware tier of a real target");
    m.put("resultsDir", "where run folders are created (default target/capkit-runs)");
    m.put("gatlingResultsDir", "Gatling's report folder");
    m.put("injector", "this injector's share i/N of a distributed run");
    m.put("startAt", "epoch milliseconds of a distributed run's first request");
    m.put("startAtFile", "local split: say ready, then wait for this file to hold the first request's epoch milliseconds");
    m.put("networkProfiles", "network profile catalog file");
    m.put("slowdown", "embedded emulator: engine steps this many times slower (0..100, default 1)");
    m.put("brokenStreams", "embedded emulator: share of streams cut mid-way (0..1, default 0)");
    m.put("metricsPort", "serve the run's live figures in Prometheus text format on this loopback port");
    m.put("requestLog", "true: write every request (id, kind, intended and actual send, timings, tokens, outcome) to requests.jsonl");
    m.put("prometheus", "Prometheus URL: read the target's server samples over the run's window from it instead of scraping");
    m.put("prometheusSelector", "with prometheus: label selector of the target's container, e.g. {pod=\"vllm-0\"}");
    m.put("prometheusSeries", "with prometheus: process (default) or cadvisor CPU/memory series");
    m.put("targetQps", "rate the plan is made for (req/s)");
    m.put("catalogDir", "edited tier and model catalogs");
    m.put("baseline", "baseline file or run folder: run the regression gate");
    m.put("simulation", "Gatling simulation class (Maven's gatling:test)");
    m.put("netem.transport", "netem's socket transport (epoll or nio)");
    return Map.copyOf(m);
  }

  /** Reads and validates the options; {@code env} supplies {@code CAPKIT_API_KEY}. */
  public static RunOptions parse(Properties props, Map<String, String> env) {
    Map<String, String> p = new TreeMap<>();
    Map<String, String> overrides = new TreeMap<>();
    for (String key : props.stringPropertyNames()) {
      if (key.startsWith("capkit.")) {
        String k = key.substring("capkit.".length());
        (RUN_LEVEL.containsKey(k) || k.startsWith(HEADER) ? p : overrides).put(k, props.getProperty(key));
      }
    }
    Path scenariosDir = Path.of(p.getOrDefault("scenariosDir", "scenarios"));
    if (p.containsKey("apiKey")) {
      throw bad("apiKey", "(value not shown) a secret on the command line shows in process listings: set the environment variable"
          + " CAPKIT_API_KEY or -Dcapkit.apiKeyFile=<file holding the key>");
    }
    String apiKey = env.get("CAPKIT_API_KEY");
    if (p.containsKey("apiKeyFile")) {
      try {
        apiKey = SecretFile.read(p.get("apiKeyFile"));
      } catch (IllegalArgumentException e) {
        throw bad("apiKeyFile", "'" + p.get("apiKeyFile") + "': " + e.getMessage());
      }
    }
    String tier = blankToNull(p.get("tier"));
    Map<String, String> endpoint = new TreeMap<>();
    p.forEach((k, v) -> {
      if (ENDPOINT.contains(k) || k.startsWith(HEADER)) {
        endpoint.put(k, v);
      }
    });
    RunTarget target = new RunTarget(url(p.get("target")), p.getOrDefault("targetKind", "remote"), apiKey, tier, endpoint);
    if (!List.of("remote", "emulator").contains(target.kind())) {
      throw bad("targetKind", "'" + target.kind() + "' is not a target kind (known: remote, emulator)");
    }
    String realtime = blankToNull(p.get("loadgen.realtime"));
    if (realtime != null && !realtime.trim().matches("\\d{1,2}")) { // the load generator applies it (ChatClient.useRealtime)
      throw bad("loadgen.realtime", "'" + realtime + "' is not a SCHED_FIFO priority (an integer 1..99, or 0 for ordinary"
          + " scheduling)");
    }
    String injector = blankToNull(p.get("injector"));
    InjectorShare share = injector == null ? InjectorShare.WHOLE : InjectorShare.parse(injector);
    String startAt = blankToNull(p.get("startAt"));
    Long at = null;
    if (startAt != null) {
      try {
        at = Long.parseLong(startAt.trim());
      } catch (NumberFormatException e) {
        throw bad("startAt", "'" + startAt + "' is not epoch milliseconds");
      }
    }
    Path startAtFile = path(p.get("startAtFile"));
    if (at != null && startAtFile != null) {
      throw bad("startAtFile", "'" + startAtFile + "': give the start instant (-Dcapkit.startAt) or the file that will hold it, not both");
    }
    Double targetQps = p.containsKey("targetQps") ? number(p, "targetQps", Double.MIN_VALUE, 1e6) : null;
    AfterRunOptions afterRun = new AfterRunOptions(targetQps, "-Dcapkit.targetQps", path(p.get("catalogDir")),
        baseline(p.get("baseline"), scenariosDir));
    return new RunOptions(p.getOrDefault("scenario", "quickstart"), scenariosDir, overrides, target,
        Path.of(p.getOrDefault("resultsDir", "target/capkit-runs")), path(p.get("gatlingResultsDir")), share, at,
        startAtFile, path(p.get("networkProfiles")),
        p.containsKey("slowdown") ? number(p, "slowdown", 0, 100) : 1.0,
        p.containsKey("brokenStreams") ? number(p, "brokenStreams", 0, 1) : 0.0, port(p.get("metricsPort")), afterRun,
        bool(p, "requestLog"), prometheus(p));
  }

  /** The scenario file resolved in {@link #scenariosDir}, read and validated, overrides applied. */
  public Scenario loadScenario() {
    return ScenarioLoader.load(ScenarioLoader.resolve(scenario, scenariosDir), overrides);
  }

  /** Whether {@code capkit.<key>} overrides the scenario (e.g. {@code network}). */
  public boolean overrides(String key) {
    return overrides.containsKey(key);
  }

  private static URI url(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI u = URI.create(value.trim().replaceAll("/+$", "").replaceAll("/v1$", ""));
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw bad("target", "'" + value + "' is not a URL (use http://host:port or https://host[:port][/base path])");
    }
  }

  /** A relative baseline may be relative to the repository root (the parent of the scenarios folder). */
  private static Path baseline(String value, Path scenariosDir) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Path file = Path.of(value);
    Path root = scenariosDir.toAbsolutePath().getParent();
    if (!file.isAbsolute() && !Files.exists(file) && root != null) {
      file = root.resolve(value);
    }
    return file;
  }

  private static double number(Map<String, String> p, String key, double min, double max) {
    String v = p.get(key);
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= min && d <= max)) {
        throw bad(key, "value " + v + " is out of range [" + (min == Double.MIN_VALUE ? "above 0" : trim(min)) + ", " + trim(max) + "]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw bad(key, "'" + v + "' is not a number");
    }
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static Integer port(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad("metricsPort", "'" + value + "' is not a port (0..65535; 0 picks a free one)");
  }

  private static boolean bool(Map<String, String> p, String key) {
    String v = p.getOrDefault(key, "false").trim();
    if (!v.equals("true") && !v.equals("false")) {
      throw bad(key, "'" + v + "' is not true or false");
    }
    return v.equals("true");
  }

  private static PrometheusSource prometheus(Map<String, String> p) {
    String url = blankToNull(p.get("prometheus"));
    if (url == null) {
      for (String k : List.of("prometheusSelector", "prometheusSeries")) {
        if (p.containsKey(k)) {
          throw bad(k, "'" + p.get(k) + "' is only used with -Dcapkit.prometheus=URL");
        }
      }
      return null;
    }
    URI u;
    try {
      u = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      u = null;
    }
    if (u == null || u.getHost() == null || !List.of("http", "https").contains(u.getScheme())) {
      throw bad("prometheus", "'" + url + "' is not an http(s) URL (e.g. http://prometheus:9090)");
    }
    String selector = p.getOrDefault("prometheusSelector", "").trim();
    if (!selector.isEmpty() && !(selector.startsWith("{") && selector.endsWith("}"))) {
      throw bad("prometheusSelector", "'" + selector + "' is not a label selector (e.g. {pod=\"vllm-0\"})");
    }
    try {
      return new PrometheusSource(u, selector, dev.capkit.core.prometheus.ResourceSeriesNames.of(p.getOrDefault("prometheusSeries", "process")));
    } catch (IllegalArgumentException e) {
      throw bad("prometheusSeries", e.getMessage());
    }
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static ScenarioException bad(String key, String problem) {
    return new ScenarioException("-Dcapkit." + key, "", problem);
  }
}
