package dev.capkit.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a scenario file and applies command-line overrides (collected by
 * {@link dev.capkit.core.run.RunOptions}), validating everything before any load is sent. Errors are {@link ScenarioException}s naming file, field and value.
 *
 * <p>Overrides (the {@code capkit.} prefix of system properties removed):
 * {@code qps=5} (one open-loop step at that rate), {@code agents=8} (one closed-loop step),
 * {@code duration=30s} (every step's duration), {@code network=none,vpc-20ms}, {@code seed=7},
 * {@code tier=...}, {@code dtype=...}, {@code profile=physics|instant}, {@code model=...},
 * {@code slo.e2e.p99=8s}, {@code slo.errors=1%}, {@code timeout.connect=2s},
 * {@code timeout.firstByte=60s}, {@code timeout.total=5m}, {@code failBuild=false}, {@code warmup=0s}
 * (unrecorded load before the first step, default {@value #DEFAULT_WARMUP}), and for open loop
 * {@code burstiness=2} (gamma gaps with that coefficient of variation; 1 = Poisson),
 * {@code maxConcurrency=64}, {@code rampUp=60s}; for a scenario with {@code load.search}
 * {@code search.<field>=value} ({@link SearchFields}); for a trace replay {@code speed=1,2} (one step per
 * factor) and {@code duration=30s} (replay only the first 30 s of the sped-up trace).
 *
 * <p>Recorded workloads (issue 15; the fields' meaning is in {@code scenarios/README.md}):
 * <ul>
 *   <li>{@code load: {"model": "trace", "trace": FILE, "format": "mooncake"|"burstgpt", "speed": [1, 2]}},
 *       optional {@code stepDuration} (a cut) and {@code warmup} (default {@code 0s}), with a mix of one
 *       entry {@code {"kind": K, "type": "trace"}}: each line of the trace ({@code mooncake-v1},
 *       {@code burstgpt-v1}) is one request sent at its own time divided by the speed; every speed is
 *       one step;</li>
 *   <li>{@code {"type": "recorded-session", "sessions": FILE, "language": "en"}}: phone-agent steps from
 *       {@code capkit-sessions-v1}; closed loop: each agent replays one session (its steps, think times,
 *       max_tokens) per task, and the entry is the mix's only one ({@code stepsPerTask}, {@code thinkTime}
 *       are refused: the recording fixes them); open loop: the recorded steps in turn, one per arrival;</li>
 *   <li>{@code {"type": "recorded-chat", "chats": FILE, "maxTokens": 512}}: ShareGPT conversations
 *       ({@code sharegpt-v1}), one request per user turn with the turns before it; closed loop: each
 *       agent holds one conversation per task (its only entry; {@code stepsPerTask} refused), open loop:
 *       the user turns in turn, one per arrival.</li>
 * </ul>
 * Files are relative to the scenario file and read when it is loaded: an error in one names
 * {@code file:line} and the field (exit 2 before any load).
 */
public final class ScenarioLoader {
  /** Scenario names: they name run folders, so letters, digits, '.', '_' and '-' only, not starting with '.' or '-'. */
  static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  /** The format version this reader understands (field {@code capkitScenario}). */
  public static final int FORMAT_VERSION = 1;

  /** Warm-up before the first step unless the scenario ({@code load.warmup}) or {@code -Dcapkit.warmup} says otherwise. */
  public static final String DEFAULT_WARMUP = "5s";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> OVERRIDES = List.of(
      "qps", "agents", "duration", "network", "seed", "tier", "dtype", "profile", "model", "failBuild", "warmup",
      "burstiness", "maxConcurrency", "rampUp", "speed");

  private ScenarioLoader() {}

  /**
   * Resolves a scenario name or path: an existing file path, else {@code <dir>/<name>.json}.
   */
  public static Path resolve(String nameOrPath, Path scenariosDir) {
    Path direct = Path.of(nameOrPath);
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    Path named = scenariosDir.resolve(nameOrPath.endsWith(".json") ? nameOrPath : nameOrPath + ".json");
    if (Files.isRegularFile(named)) {
      return named;
    }
    List<String> known = new ArrayList<>();
    try (var files = Files.list(scenariosDir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .sorted()
          .forEach(known::add);
    } catch (IOException e) {
      // the directory itself is missing: the message below says where we looked
    }
    throw new ScenarioException(nameOrPath, "",
        "no such scenario file (looked for " + direct.toAbsolutePath() + " and " + named.toAbsolutePath()
            + "; known scenarios: " + (known.isEmpty() ? "none in " + scenariosDir.toAbsolutePath() : String.join(", ", known)) + ")");
  }

  /** Reads and validates {@code file}, then applies {@code overrides} (keys without the {@code capkit.} prefix). */
  public static Scenario load(Path file, Map<String, String> overrides) {
    String source = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ScenarioException(source, "", "file not found");
    } catch (JsonProcessingException e) {
      throw new ScenarioException(source, "", "not valid JSON: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new ScenarioException(source, "", "cannot read: " + e.getMessage());
    }
    return parse(source, root, overrides);
  }

  static Scenario parse(String source, JsonNode root, Map<String, String> overrides) {
    JsonFields f = new JsonFields(source, "", root);
    int version = f.integer("capkitScenario", null, 1, Integer.MAX_VALUE);
    if (version != FORMAT_VERSION) {
      throw f.error("capkitScenario", "format version " + version + " is not supported (this capkit reads " + FORMAT_VERSION + ")");
    }
    Map<String, String> o = new TreeMap<>(overrides);
    String name = f.string("name", null);
    if (!NAME.matcher(name).matches()) {
      // the name becomes the run folder's name: never a path
      throw f.error("name", "'" + name + "' is not a plain name " + NAME.pattern() + " (it names the run folder)");
    }
    String description = f.string("description", "");
    long seed = (long) f.number("seed", 1.0, 0, 9.007199254740991E15);
    seed = o.containsKey("seed") ? parseLong(o, "seed") : seed;
    String model = f.string("model", "autoglm-phone-9b");
    model = o.getOrDefault("model", model);

    EmulatorSettings emulator = emulator(f, o);
    List<RequestMix> mix = f.list("mix", e -> mixEntry(e, source));
    checkUniqueKinds(source, mix);
    JsonFields loadFields = f.object("load");
    dev.capkit.core.search.SearchSettings search = SearchFields.read(loadFields, o,
        "closed".equals(loadFields.string("model", null)));
    LoadShape load = load(loadFields, o, source, search, mix);
    mix = RecordedLengths.fill(mix, load);
    List<String> networks = f.has("network") ? f.list("network", ScenarioLoader::networkName) : List.of("none");
    if (o.containsKey("network")) {
      networks = List.of(o.get("network").split("\\s*,\\s*"));
      for (String n : networks) {
        if (!n.matches("[a-z0-9][a-z0-9-]*")) {
          throw new ScenarioException("-Dcapkit.network", "", "'" + n + "' is not a network profile name (e.g. none, vpc-20ms)");
        }
      }
    }
    SloSet slo = slo(f, o, source);
    ClientTimeouts timeouts = timeouts(f, o, source);
    f.rejectUnknown();
    for (String key : o.keySet()) {
      if (!OVERRIDES.contains(key) && !key.startsWith("slo.") && !key.startsWith("timeout.") && !key.startsWith("search.")) {
        throw new ScenarioException("-Dcapkit." + key, "", "unknown override (known: "
            + String.join(", ", OVERRIDES) + ", slo.<metric>.p<N>, slo.errors, timeout.connect|firstByte|total, search.<field>)");
      }
    }
    return new Scenario(name, description, source, seed, model, emulator, mix, load, networks, slo, timeouts, search);
  }

  private static EmulatorSettings emulator(JsonFields root, Map<String, String> o) {
    JsonFields e = root.has("emulator") ? root.object("emulator") : null;
    String tier = e == null ? "gn7e-c16g1.4xlarge" : e.string("tier", "gn7e-c16g1.4xlarge");
    String dtype = e == null ? "bf16" : e.string("dtype", "bf16");
    String profile = e == null ? "physics" : e.string("profile", "physics");
    Map<String, String> vllm = new java.util.LinkedHashMap<>();
    if (e != null && e.has("vllm")) {
      JsonFields v = e.object("vllm");
      for (java.util.Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!EmulatorSettings.VLLM_KNOBS.contains(name)) {
          throw v.error(name, "unknown vLLM knob (known: " + String.join(", ", EmulatorSettings.VLLM_KNOBS) + ")");
        }
        com.fasterxml.jackson.databind.JsonNode value = v.raw(name);
        if (value == null || !value.isValueNode() || value.isNull()) {
          throw v.error(name, "expected a number, true/false or a string, got " + value);
        }
        vllm.put(name, value.asText());
      }
    }
    if (e != null) {
      e.rejectUnknown();
    }
    tier = o.getOrDefault("tier", tier);
    dtype = o.getOrDefault("dtype", dtype);
    profile = o.getOrDefault("profile", profile);
    if (!List.of("bf16", "fp8", "int4").contains(dtype)) {
      String message = "'" + dtype + "' is not a dtype (known: bf16, fp8, int4)";
      throw o.containsKey("dtype") ? new ScenarioException("-Dcapkit.dtype", "emulator.dtype", message) : root.error("emulator.dtype", message);
    }
    if (!List.of("physics", "instant").contains(profile)) {
      String message = "'" + profile + "' is not an emulator profile (known: physics, instant)";
      throw o.containsKey("profile") ? new ScenarioException("-Dcapkit.profile", "emulator.profile", message) : root.error("emulator.profile", message);
    }
    return new EmulatorSettings(tier, dtype, profile, vllm);
  }

  private static RequestMix mixEntry(JsonFields.Element el, String source) {
    JsonFields m = el.fields();
    String kind = m.string("kind", null);
    if (!kind.matches("[a-z0-9][a-z0-9-]*")) {
      throw m.error("kind", "'" + kind + "' must be lower-case letters, digits and dashes (it names files and Gatling requests)");
    }
    double weight = m.number("weight", null, 0, 1e9);
    if (weight <= 0) {
      throw m.error("weight", "value " + JsonFields.trim(weight) + " must be positive");
    }
    RequestType type;
    String typeText = m.string("type", null);
    try {
      type = RequestType.parse(typeText);
    } catch (IllegalArgumentException e) {
      throw m.error("type", e.getMessage());
    }
    if (type == RequestType.TRACE || type == RequestType.RECORDED_SESSION) {
      for (String given : List.of("maxTokens", "promptTokens")) {
        if (m.has(given)) {
          throw m.error(given, "a " + type.key() + " request's lengths come from the "
              + (type == RequestType.TRACE ? "trace (input_length, output_length)" : "recorded sessions (max_tokens)"));
        }
      }
    }
    boolean stream = m.bool("stream", true);
    if (type == RequestType.RECORDED_SESSION && !stream) {
      throw m.error("stream", "recorded phone-agent steps are streamed, as Open-AutoGLM's client does");
    }
    int maxTokens = m.integer("maxTokens", type == RequestType.PHONE_STEP ? 3000 : 512, 1, 1_000_000);
    int width = 0;
    int height = 0;
    int history = 0;
    String language = "en";
    String folder = "";
    String recording = "";
    TokenDistribution prompt = TokenDistribution.fixed(1);
    if (type == RequestType.RECORDED_SESSION) {
      recording = recording(m, "sessions", source);
      dev.capkit.core.workload.AgentSessionReader.read(Path.of(recording)); // errors name file:line and field
      language = language(m);
    } else if (type == RequestType.RECORDED_CHAT) {
      recording = recording(m, "chats", source);
      dev.capkit.core.workload.ShareGptReader.read(Path.of(recording));
    } else if (type == RequestType.TRACE) {
      // the trace is named by load.trace: its lines are the requests and their times
    } else if (type == RequestType.PHONE_STEP) {
      String size = m.string("screenshot", "1080x2400");
      String[] wh = size.split("x");
      try {
        width = Integer.parseInt(wh[0]);
        height = Integer.parseInt(wh[1]);
      } catch (RuntimeException e) {
        throw m.error("screenshot", "'" + size + "' is not WIDTHxHEIGHT in pixels, e.g. 1080x2400");
      }
      if (width < 28 || height < 28 || width > 8192 || height > 8192 || wh.length != 2) {
        throw m.error("screenshot", "'" + size + "' is outside 28x28 .. 8192x8192");
      }
      folder = screenshotFolder(m, source);
      history = m.integer("historyTurns", 2, 0, 100);
      language = language(m);
    } else {
      JsonFields p = m.object("promptTokens");
      int median = p.integer("median", null, 1, 1_000_000);
      int p90 = p.integer("p90", median, median, 10_000_000);
      p.rejectUnknown();
      prompt = new TokenDistribution(median, p90);
    }
    m.rejectUnknown();
    return new RequestMix(kind, weight, type, stream, width, height, history, language, prompt, maxTokens, folder,
        recording);
  }

  private static String language(JsonFields m) {
    String language = m.string("language", "en");
    if (!language.equals("en") && !language.equals("zh")) {
      throw m.error("language", "'" + language + "' is not a system prompt language (known: en, zh)");
    }
    return language;
  }

  /** A recorded-workload file named by {@code field}, relative to the scenario file; checked to exist. */
  private static String recording(JsonFields m, String field, String source) {
    String name = m.string(field, null);
    Path file = relative(source, name);
    if (!Files.isRegularFile(file)) {
      throw m.error(field, "'" + name + "' is not a file (looked for " + file + ")");
    }
    return file.toString();
  }

  private static Path relative(String source, String name) {
    Path base = Path.of(source).toAbsolutePath().getParent();
    return base == null ? Path.of(name).toAbsolutePath() : base.resolve(name).normalize();
  }

  /** {@code mix[].screenshots}: a folder of real screenshots, relative to the scenario file; "" when absent. */
  private static String screenshotFolder(JsonFields m, String source) {
    if (!m.has("screenshots")) {
      return "";
    }
    String name = m.string("screenshots", null);
    Path base = Path.of(source).toAbsolutePath().getParent();
    Path folder = base == null ? Path.of(name) : base.resolve(name).normalize();
    if (!Files.isDirectory(folder)) {
      throw m.error("screenshots", "'" + name + "' is not a folder (looked for " + folder + ")");
    }
    return folder.toString();
  }

  private static void checkUniqueKinds(String source, List<RequestMix> mix) {
    for (int i = 0; i < mix.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (mix.get(i).kind().equals(mix.get(j).kind())) {
          throw new ScenarioException(source, "mix[" + i + "].kind", "'" + mix.get(i).kind() + "' is used twice (kinds must be unique)");
        }
      }
    }
  }

  private static LoadShape load(JsonFields l, Map<String, String> o, String source,
      dev.capkit.core.search.SearchSettings search, List<RequestMix> mix) {
    String model = l.string("model", null);
    checkRecordedMix(l, model, source, mix);
    if (model.equals("trace")) {
      return ScenarioTraceLoad.read(l, o, source);
    }
    Duration stepDuration = l.duration("stepDuration", null);
    if (o.containsKey("duration")) {
      stepDuration = overrideDuration(o, "duration");
    }
    if (stepDuration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ScenarioException(o.containsKey("duration") ? "-Dcapkit.duration" : source,
          o.containsKey("duration") ? "" : "load.stepDuration", "'" + Durations.format(stepDuration) + "' is shorter than 1s");
    }
    Duration warmup = l.duration("warmup", DEFAULT_WARMUP);
    if (o.containsKey("warmup")) {
      warmup = overrideDurationOrZero(o, "warmup");
    }
    if (o.containsKey("speed")) {
      throw new ScenarioException("-Dcapkit.speed", "", "this scenario is " + model + "-loop: speed applies to a trace"
          + " replay (load.model=trace)");
    }
    LoadShape shape;
    switch (model) {
      case "open" -> {
        // a search plans its own rates: the level list then only seeds the warm-up (the search's start)
        List<Double> qps = search != null && !l.has("qps") ? List.of(search.startRate()) : l.list("qps", e -> positive(e));
        String arrivals = l.string("arrivals", l.has("burstiness") ? "gamma" : "poisson");
        double burstiness = switch (arrivals) {
          case "poisson" -> 1;
          case "uniform" -> 0;
          case "gamma" -> l.number("burstiness", 1.0, 0.05, 20);
          default -> throw l.error("arrivals", "'" + arrivals + "' is not an arrival process (known: poisson, uniform, gamma)");
        };
        if (l.has("burstiness") && !arrivals.equals("gamma")) {
          throw l.error("burstiness", "only gamma arrivals have a burstiness (arrivals is '" + arrivals + "')");
        }
        if (o.containsKey("burstiness")) {
          burstiness = overrideNumber(o, "burstiness", 0, 20);
        }
        int cap = l.integer("maxConcurrency", 0, 0, 1_000_000);
        if (o.containsKey("maxConcurrency")) {
          cap = (int) overrideNumber(o, "maxConcurrency", 0, 1_000_000);
        }
        Duration rampUp = l.duration("rampUp", "0s");
        if (o.containsKey("rampUp")) {
          rampUp = overrideDurationOrZero(o, "rampUp");
        }
        if (o.containsKey("qps")) {
          qps = List.of(overridePositive(o, "qps"));
        }
        shape = new LoadShape.Open(qps, stepDuration, burstiness, cap, rampUp, warmup);
      }
      case "closed" -> {
        List<Integer> agents = search != null && !l.has("agents") ? List.of((int) search.startRate())
            : l.list("agents", e -> (int) positive(e));
        Duration think = l.duration("thinkTime", "1s");
        int stepsPerTask = l.integer("stepsPerTask", 10, 1, 100);
        if (o.containsKey("agents")) {
          agents = List.of((int) overridePositive(o, "agents"));
        }
        for (String openOnly : List.of("burstiness", "maxConcurrency", "rampUp")) {
          if (o.containsKey(openOnly)) {
            throw new ScenarioException("-Dcapkit." + openOnly, "", "this scenario is closed-loop (load.model=closed): "
                + openOnly + " applies to open-loop arrivals");
          }
        }
        shape = new LoadShape.Closed(agents, think, stepsPerTask, stepDuration, warmup, TaskObjectiveFields.read(l));
      }
      default -> throw l.error("model", "'" + model + "' is not a load model (known: open, closed, trace)");
    }
    if (o.containsKey("qps") && shape instanceof LoadShape.Closed) {
      throw new ScenarioException("-Dcapkit.qps", "", "this scenario is closed-loop (load.model=closed); use -Dcapkit.agents=N");
    }
    if (o.containsKey("agents") && shape instanceof LoadShape.Open) {
      throw new ScenarioException("-Dcapkit.agents", "", "this scenario is open-loop (load.model=open); use -Dcapkit.qps=N");
    }
    l.rejectUnknown();
    return shape;
  }

  /**
   * A trace's requests come with their times: a {@code trace} entry goes with {@code load.model: "trace"}
   * and nothing else. A closed-loop agent works through one recorded session or conversation, so a
   * recorded entry there is the only one, and what the recording fixes is not given twice.
   */
  private static void checkRecordedMix(JsonFields l, String model, String source, List<RequestMix> mix) {
    for (int i = 0; i < mix.size(); i++) {
      RequestType type = mix.get(i).type();
      if (type == RequestType.TRACE && !model.equals("trace")) {
        throw new ScenarioException(source, "mix[" + i + "].type", "'trace' requests need load.model 'trace' (found '"
            + model + "')");
      }
      if (model.equals("trace") && (type != RequestType.TRACE || mix.size() > 1)) {
        throw new ScenarioException(source, "mix", "load.model 'trace' replays the trace's requests: the mix must be"
            + " one entry of type 'trace' (found " + mix.size() + " entries, mix[" + i + "].type '" + type.key() + "')");
      }
      if (model.equals("closed") && type.recorded()) {
        if (mix.size() > 1) {
          throw new ScenarioException(source, "mix", "a closed-loop agent replays one recorded "
              + (type == RequestType.RECORDED_SESSION ? "session" : "conversation") + " at a time: mix[" + i + "] ("
              + type.key() + ") must be the only entry (found " + mix.size() + ")");
        }
        if (l.has("stepsPerTask")) {
          throw l.error("stepsPerTask", "a " + type.key() + " agent's task is one recorded "
              + (type == RequestType.RECORDED_SESSION ? "session (its steps)" : "conversation (its user turns)"));
        }
        if (type == RequestType.RECORDED_SESSION && l.has("thinkTime")) {
          throw l.error("thinkTime", "recorded sessions carry their own think times (think_ms)");
        }
      }
    }
  }

  static double positive(JsonFields.Element e) {
    if (!e.node().isNumber() || !(e.node().asDouble() > 0) || e.node().asDouble() > 100_000) {
      throw e.error("expected a number in (0, 100000], found " + JsonFields.describe(e.node()));
    }
    return e.node().asDouble();
  }

  private static String networkName(JsonFields.Element e) {
    if (!e.node().isTextual() || !e.node().asText().matches("[a-z0-9][a-z0-9-]*")) {
      throw e.error("expected a network profile name like none or vpc-20ms, found " + JsonFields.describe(e.node()));
    }
    return e.node().asText();
  }

  private static SloSet slo(JsonFields root, Map<String, String> o, String source) {
    JsonFields s = root.object("slo");
    Map<String, String> entries = new TreeMap<>();
    boolean failBuild = s.bool("failBuild", true);
    if (o.containsKey("failBuild")) {
      failBuild = Boolean.parseBoolean(o.get("failBuild"));
    }
    for (var it = s.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("failBuild")) {
        entries.put(key, s.string(key, null));
      }
    }
    for (var e : o.entrySet()) {
      if (e.getKey().startsWith("slo.")) {
        entries.put(e.getKey().substring(4), e.getValue());
      }
    }
    List<Slo> latency = new ArrayList<>();
    double maxErrors = 1.0;
    for (var e : entries.entrySet()) {
      String where = o.containsKey("slo." + e.getKey()) ? "-Dcapkit.slo." + e.getKey() : source;
      String field = where.equals(source) ? "slo." + e.getKey() : "";
      if (e.getKey().equals("errors")) {
        maxErrors = percent(where, field, e.getValue());
        continue;
      }
      latency.add(latencySlo(where, field, e.getKey(), e.getValue()));
    }
    s.rejectUnknown();
    return new SloSet(latency, maxErrors, failBuild);
  }

  static Slo latencySlo(String where, String field, String key, String value) {
    var m = java.util.regex.Pattern.compile("(e2e|ttft|tpot|itl)\\.p(\\d+(?:\\.\\d+)?)").matcher(key);
    if (!m.matches()) {
      throw new ScenarioException(where, field, "'" + key + "' is not an objective (use <metric>.p<percentile> with metric e2e, ttft, tpot or itl, e.g. e2e.p99; or errors)");
    }
    double p = Double.parseDouble(m.group(2));
    if (!(p > 0 && p < 100)) {
      throw new ScenarioException(where, field, "percentile " + m.group(2) + " must be between 0 and 100");
    }
    try {
      return new Slo(m.group(1), p, Durations.parse(value));
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(where, field, e.getMessage());
    }
  }

  static double percent(String where, String field, String value) {
    String v = value.trim();
    try {
      double d = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
      if (d < 0 || d > 1) {
        throw new ScenarioException(where, field, "'" + value + "' must be between 0% and 100%");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ScenarioException(where, field, "'" + value + "' is not a share (use e.g. 1% or 0.01)");
    }
  }

  private static ClientTimeouts timeouts(JsonFields root, Map<String, String> o, String source) {
    JsonFields t = root.has("timeouts") ? root.object("timeouts") : null;
    Duration connect = timeout(t, o, "connect", "2s");
    Duration firstByte = timeout(t, o, "firstByte", "60s");
    Duration total = timeout(t, o, "total", "180s");
    if (t != null) {
      t.rejectUnknown();
    }
    if (total.compareTo(firstByte) < 0) {
      throw new ScenarioException(source, "timeouts.total", "'" + Durations.format(total)
          + "' is shorter than timeouts.firstByte '" + Durations.format(firstByte) + "'");
    }
    return new ClientTimeouts(connect, firstByte, total);
  }

  private static Duration timeout(JsonFields t, Map<String, String> o, String name, String fallback) {
    Duration d = t == null ? Durations.parse(fallback) : t.duration(name, fallback);
    if (o.containsKey("timeout." + name)) {
      return overrideDuration(o, "timeout." + name);
    }
    if (d.isZero()) {
      throw t.error(name, "must be longer than 0");
    }
    return d;
  }

  static Duration overrideDuration(Map<String, String> o, String key) {
    try {
      Duration d = Durations.parse(o.get(key));
      if (d.isZero()) {
        throw new ScenarioException("-Dcapkit." + key, "", "must be longer than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("-Dcapkit." + key, "", e.getMessage());
    }
  }

  static Duration overrideDurationOrZero(Map<String, String> o, String key) {
    try {
      return Durations.parse(o.get(key));
    } catch (IllegalArgumentException e) {
      throw new ScenarioException("-Dcapkit." + key, "", e.getMessage());
    }
  }

  private static double overrideNumber(Map<String, String> o, String key, double min, double max) {
    String v = o.get(key);
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= min && d <= max)) {
        throw new ScenarioException("-Dcapkit." + key, "", "value " + v + " must be in [" + JsonFields.trim(min) + ", "
            + JsonFields.trim(max) + "]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ScenarioException("-Dcapkit." + key, "", "'" + v + "' is not a number");
    }
  }

  private static double overridePositive(Map<String, String> o, String key) {
    String v = o.get(key);
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0) || d > 100_000) {
        throw new ScenarioException("-Dcapkit." + key, "", "value " + v + " must be in (0, 100000]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ScenarioException("-Dcapkit." + key, "", "'" + v + "' is not a number");
    }
  }

  private static long parseLong(Map<String, String> o, String key) {
    try {
      return Long.parseLong(o.get(key));
    } catch (NumberFormatException e) {
      throw new ScenarioException("-Dcapkit." + key, "", "'" + o.get(key) + "' is not a whole number");
    }
  }
}
