package dev.capkit.core.results;

import dev.capkit.core.scenario.Durations;
import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.RequestMix;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.Slo;
import dev.capkit.core.scenario.StepPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective scenario of a run (after command-line overrides), as stored in {@code run.json}:
 * enough for a reader to know what was offered without the scenario file.
 *
 * @param arrivals      open loop: {@code poisson}, {@code uniform} or {@code gamma(cv=B)}; {@code closed-loop}
 * @param warmupSeconds load offered before the first step at its level and not recorded (#18 warm start)
 * @param rampUpSeconds open loop: unrecorded linear ramp from 0 to the first level, before the warm-up
 * @param maxConcurrency open loop: cap on requests in flight (0: none); waits for a slot count as schedule lag
 */
public record ScenarioInfo(
    String name,
    String source,
    long seed,
    String model,
    String loadModel,
    String arrivals,
    String thinkTime,
    int stepsPerTask,
    List<PlannedStep> plannedSteps,
    List<Map<String, Object>> mix,
    Map<String, String> slo,
    double maxErrorRate,
    boolean failBuild,
    Map<String, String> timeouts,
    double warmupSeconds,
    double rampUpSeconds,
    int maxConcurrency) {

  /** A step as planned: what the run meant to offer. */
  public record PlannedStep(int index, String id, double offered, String unit, String network,
      double startOffsetSeconds, double durationSeconds) {}

  /** The effective scenario; a capacity search's {@code plannedSteps} start empty and grow probe by probe. */
  public static ScenarioInfo of(Scenario s) {
    List<PlannedStep> steps = new ArrayList<>();
    for (StepPlan p : s.searches() ? List.<StepPlan>of() : s.steps()) {
      steps.add(planned(p));
    }
    List<Map<String, Object>> mix = new ArrayList<>();
    for (RequestMix m : s.mix()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("kind", m.kind());
      e.put("weight", m.weight());
      e.put("type", m.type().key());
      e.put("stream", m.stream());
      e.put("maxTokens", m.maxTokens());
      switch (m.type()) {
        case PHONE_STEP -> {
          e.put("screenshot", m.screenshotWidth() + "x" + m.screenshotHeight());
          e.put("historyTurns", m.historyTurns());
          e.put("language", m.language());
        }
        case CHAT -> e.put("promptTokens", tokens(m));
        case TRACE -> {
          LoadShape.Trace t = (LoadShape.Trace) s.load();
          e.put("trace", t.trace());
          e.put("format", t.format());
          e.put("lines", t.lines());
          e.put("promptTokens", tokens(m)); // the trace's input_length median and p90; maxTokens its median output_length
        }
        case RECORDED_SESSION -> {
          e.put("sessions", m.recording());
          e.put("language", m.language());
          e.remove("maxTokens"); // each recorded step has its own
        }
        case RECORDED_CHAT -> {
          e.put("chats", m.recording());
          e.put("promptTokens", tokens(m)); // user turns with their history, 4 characters per token (estimate)
        }
      }
      mix.add(e);
    }
    Map<String, String> slo = new LinkedHashMap<>();
    for (Slo o : s.slo().latency()) {
      slo.put(o.key(), Durations.format(o.threshold()));
    }
    Map<String, String> timeouts = new LinkedHashMap<>();
    timeouts.put("connect", Durations.format(s.timeouts().connect()));
    timeouts.put("firstByte", Durations.format(s.timeouts().firstByte()));
    timeouts.put("total", Durations.format(s.timeouts().total()));
    String loadModel = s.load() instanceof LoadShape.Closed ? "closed" : "open";
    String arrivals = s.load() instanceof LoadShape.Open o ? o.arrivals()
        : s.load() instanceof LoadShape.Trace t ? traceArrivals(t) : "closed-loop";
    String think = s.load() instanceof LoadShape.Closed c ? Durations.format(c.thinkTime()) : null;
    int stepsPerTask = s.load() instanceof LoadShape.Closed c ? c.stepsPerTask() : 0;
    return new ScenarioInfo(s.name(), s.source(), s.seed(), s.model(), loadModel, arrivals, think, stepsPerTask,
        steps, mix, slo, s.slo().maxErrorRate(), s.slo().failBuild(), timeouts,
        s.load().warmup().toMillis() / 1000.0,
        s.load() instanceof LoadShape.Open o ? o.rampUp().toMillis() / 1000.0 : 0,
        s.load() instanceof LoadShape.Open o ? o.maxConcurrency() : 0);
  }

  /** This scenario with one more planned step (a capacity search plans its probes as the run goes). */
  public ScenarioInfo withPlannedStep(StepPlan p) {
    List<PlannedStep> steps = new ArrayList<>(plannedSteps);
    steps.add(planned(p));
    return new ScenarioInfo(name, source, seed, model, loadModel, arrivals, thinkTime, stepsPerTask, List.copyOf(steps), mix,
        slo, maxErrorRate, failBuild, timeouts, warmupSeconds, rampUpSeconds, maxConcurrency);
  }

  private static PlannedStep planned(StepPlan p) {
    return new PlannedStep(p.index(), p.id(), p.offered(), p.unit(), p.network(),
        p.start().toMillis() / 1000.0, p.duration().toMillis() / 1000.0);
  }

  private static Map<String, Integer> tokens(RequestMix m) {
    Map<String, Integer> tokens = new LinkedHashMap<>(); // ordered: golden files compare text
    tokens.put("median", m.promptTokens().median());
    tokens.put("p90", m.promptTokens().p90());
    return tokens;
  }

  /** {@code trace(mooncake, 1000 lines, speed 1,2)}: a trace replay's arrivals, as run.json records them. */
  static String traceArrivals(LoadShape.Trace t) {
    StringBuilder speeds = new StringBuilder();
    for (double v : t.speeds()) {
      speeds.append(speeds.length() == 0 ? "" : ",").append(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
    }
    return "trace(" + t.format() + ", " + t.lines() + " lines, speed " + speeds + ")";
  }
}
