package dev.capkit.planner.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.planner.Calibration;
import dev.capkit.planner.PlanResult;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.TierRecommendation;
import dev.capkit.planner.capacity.Knee;
import dev.capkit.planner.capacity.ReplicaPlan;
import dev.capkit.planner.capacity.SloCrossing;
import dev.capkit.planner.capacity.SustainableRate;
import dev.capkit.planner.capacity.VramBudget;
import dev.capkit.planner.sizing.ContainerSizing;
import dev.capkit.planner.sizing.PodResources;
import dev.capkit.planner.stats.UslFit;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * plan.json, <b>plan format v3</b>: {@code capkitPlan} (3), {@code basis} (what the whole plan rests
 * on: {@code measured|emulated|mixed|predicted}), {@code basisLine} (the sentence that opens plan.md
 * and the YAML), {@code generatedAt}, {@code inputs}
 * (scenario, runs, targetQps, slos with their source, headroom, catalog, prices with source/date/currency,
 * calibration), {@code tiers} (one object per row, ranked first: tier, GPU, VRAM, dtype, basis
 * {@code measured|emulated|predicted}, ladder range, {@code sustainable} with CI, method and per-objective
 * crossings, {@code knee}, {@code usl}, {@code vram}, {@code replicas} with cost, {@code rank},
 * {@code agents}: null, or for a row planned from an agents search (closed loop) the agents per replica:
 * {@code agentsPerReplica} (most agents shown to hold every step and task objective), {@code brokenAgents}
 * (fewest shown broken, null if none), {@code basis} ({@code measured|emulated|predicted}), {@code stepsPerTask},
 * {@code thinkSeconds}, {@code taskObjectives} (strings), {@code probe} (the step the task figures come from),
 * {@code tasks}, {@code taskP50Seconds}, {@code taskP95Seconds}, {@code shareAllStepsMet}, {@code tasksPerHour},
 * {@code requestsPerSecond}, {@code pricePerHour}, {@code costPerCompletedTask}, {@code method}, {@code undefinedReason}),
 * {@code recommendation}, {@code pod} (container resources with the basis of each figure: {@code measured}
 * true only for samples of a real serving process, {@code cpuMemoryBasis} {@code measured|modelled|node}) and
 * {@code warnings}.
 *
 * <p>Changes from v2 (readers accept v1 to v3): v3 adds each row's {@code agents} (null for rows
 * planned in requests per second); golden file {@code golden/plan-v3.json}, with an agents row in
 * {@code golden/plan-v3-agents.json}.
 *
 * <p>Changes from v1: v2 adds {@code basis}, {@code basisLine} and
 * {@code pod.cpuMemoryBasis}; {@code inputs.calibration.measuredRate} is renamed {@code runRate} (the
 * rate of the run-based row it compares with, measured or emulated as that row says); a row's {@code basis} may be {@code emulated} (v1 called runs against the
 * emulator {@code measured}); {@code pod.measured} is false for the emulator's modelled samples (v1:
 * true for any samples). Golden files: {@code golden/plan-v1.json}, {@code golden/plan-v2.json}, {@code golden/plan-v3.json}. Numbers carry 4 significant digits; a figure that is undefined is {@code null}
 * next to a {@code ...undefinedReason} string; an open confidence bound is the string {@code "-inf"} or
 * {@code "+inf"}. Key order is fixed (golden-file tested).
 *
 * <pre>{@code
 * String json = PlanJson.render(plan);
 * }</pre>
 */
public final class PlanJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  public static String render(PlanResult plan) {
    try {
      return JSON.writeValueAsString(tree(plan)) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("plan.json could not be rendered: " + e.getMessage(), e);
    }
  }

  static ObjectNode tree(PlanResult plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("capkitPlan", PlanResult.FORMAT_VERSION);
    root.put("basis", plan.basis().key());
    root.put("basisLine", plan.basis().line());
    root.put("generatedAt", plan.generatedAt());
    ObjectNode in = root.putObject("inputs");
    in.put("scenario", plan.scenario());
    plan.runs().forEach(in.putArray("runs")::add);
    num(in, "targetQps", plan.targetQps());
    ArrayNode slos = in.putArray("slos");
    for (SloTarget s : plan.slos()) {
      ObjectNode o = slos.addObject();
      o.put("key", s.key());
      o.put("limit", s.limitText());
    }
    in.put("sloSource", plan.sloSource());
    num(in, "headroom", plan.headroom());
    in.put("catalog", plan.catalog());
    ObjectNode prices = in.putObject("prices");
    prices.put("file", plan.prices().file());
    prices.put("source", plan.prices().source());
    prices.put("date", plan.prices().date());
    prices.put("currency", plan.prices().currency());
    Calibration c = plan.calibration();
    ObjectNode cal = in.putObject("calibration");
    cal.put("tier", c.tierId());
    cal.put("dtype", c.dtype());
    num(cal, "runRate", c.measuredRate());
    num(cal, "predictedRate", c.predictedRate());
    num(cal, "factor", c.factor());
    cal.put("applied", c.applied());
    cal.put("note", c.note());
    ArrayNode tiers = root.putArray("tiers");
    for (int i = 0; i < plan.rows().size(); i++) {
      ObjectNode o = row(plan.rows().get(i));
      if (i < plan.tokenEconomics().size()) {
        o.set("tokens", tokens(plan.tokenEconomics().get(i)));
      }
      tiers.add(o);
    }
    root.put("recommendation", plan.recommendation());
    if (plan.pod() == null) {
      root.putNull("pod");
    } else {
      root.set("pod", pod(plan.pod()));
    }
    plan.warnings().forEach(root.putArray("warnings")::add);
    return root;
  }

  private static ObjectNode tokens(dev.capkit.planner.capacity.TokenEconomics t) {
    ObjectNode o = JSON.createObjectNode();
    num(o, "outputTokensPerRequest", t.outputTokensPerRequest());
    num(o, "utilization", t.utilization());
    num(o, "wattsPerReplica", t.wattsPerReplica());
    num(o, "joulesPerOutputToken", t.joulesPerOutputToken());
    num(o, "costPerMillionOutputTokens", t.costPerMillionOutputTokens());
    o.put("basis", t.basis());
    o.put("undefinedReason", t.undefinedReason());
    return o;
  }

  private static ObjectNode row(TierRecommendation r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("tier", r.tierId());
    o.put("family", r.family());
    o.put("gpu", r.gpu());
    o.put("gpus", r.gpuCount());
    num(o, "vramGib", r.vramGib());
    o.put("vcpu", r.vcpu());
    num(o, "memoryGib", r.memoryGib());
    o.put("dtype", r.dtype());
    o.put("basis", r.basis().key());
    r.sources().forEach(o.putArray("sources")::add);
    o.put("steps", r.steps());
    num(o, "minRate", r.minRate());
    num(o, "maxRate", r.maxRate());
    o.put("fits", r.feasible());
    o.put("rank", r.rank());
    o.put("notRankedReason", r.notRankedReason());
    SustainableRate s = r.sustainable();
    ObjectNode sus = o.putObject("sustainable");
    num(sus, "qpsPerReplica", s.rate());
    num(sus, "ciLow", s.low());
    num(sus, "ciHigh", s.high());
    num(sus, "atLeast", s.atLeast());
    sus.put("binding", s.binding());
    sus.put("undefinedReason", s.undefinedReason());
    num(sus, "calibrationFactor", r.calibrationFactor());
    num(sus, "saturatedQps", r.saturatedQps());
    sus.put("replicates", s.replicates());
    sus.put("method", s.method());
    ArrayNode crossings = sus.putArray("crossings");
    for (SloCrossing c : s.crossings()) {
      ObjectNode x = crossings.addObject();
      x.put("slo", c.slo());
      num(x, "limit", c.limit());
      num(x, "rate", c.rate());
      num(x, "ciLow", c.low());
      num(x, "ciHigh", c.high());
      num(x, "atLeast", c.atLeast());
      num(x, "crossedAtFirstStep", c.below());
      x.put("undefinedReason", c.undefinedReason());
      x.put("note", c.note());
    }
    Knee k = r.knee();
    ObjectNode knee = o.putObject("knee");
    knee.put("metric", k.metric());
    num(knee, "rate", k.rate());
    num(knee, "latencyMs", k.latencyMs());
    num(knee, "sensitivity", k.sensitivity());
    knee.put("method", "Kneedle (Satopaa et al. 2011), offline, no smoothing");
    knee.put("undefinedReason", k.undefinedReason());
    UslFit u = r.usl();
    ObjectNode usl = o.putObject("usl");
    num(usl, "lambda", u.lambda());
    num(usl, "sigma", u.sigma());
    num(usl, "kappa", u.kappa());
    num(usl, "rSquared", u.rSquared());
    num(usl, "peakConcurrency", u.peakConcurrency());
    num(usl, "peakQps", u.peakThroughput());
    usl.put("points", u.points());
    usl.put("method", "X(N) = lambda N / (1 + sigma (N-1) + kappa N (N-1)), N = mean in flight, X = achieved QPS; least squares (Levenberg-Marquardt)");
    usl.put("undefinedReason", u.undefinedReason());
    VramBudget v = r.vram();
    ObjectNode vram = o.putObject("vram");
    vram.put("dtype", v.dtype());
    num(vram, "usableGib", v.usableGib());
    num(vram, "weightsGib", v.weightsGib());
    num(vram, "nonKvGib", v.nonKvGib());
    num(vram, "kvRoomGib", v.kvRoomGib());
    vram.put("kvRoomTokens", v.kvRoomTokens());
    num(vram, "concurrency", v.concurrency());
    num(vram, "tokensPerSequence", v.tokensPerSequence());
    num(vram, "kvNeededGib", v.kvNeededGib());
    vram.put("reason", v.reason());
    v.dtypesThatFit().forEach(vram.putArray("dtypesThatFit")::add);
    ReplicaPlan p = r.replicas();
    ObjectNode rep = o.putObject("replicas");
    num(rep, "perReplicaQps", p.perReplicaRate());
    rep.put("base", p.base());
    rep.put("nPlusOne", p.replicas());
    rep.put("erlangC", p.erlangReplicas());
    rep.put("erlangNote", p.erlangNote());
    num(rep, "pricePerHour", p.pricePerHour());
    num(rep, "costPerHour", p.costPerHour());
    num(rep, "costPer1000Requests", p.costPer1000());
    rep.put("undefinedReason", p.undefinedReason());
    if (r.agents() == null) {
      o.putNull("agents");
    } else {
      o.set("agents", agents(r.agents()));
    }
    return o;
  }

  private static ObjectNode agents(dev.capkit.planner.search.AgentsPerReplica a) {
    ObjectNode o = JSON.createObjectNode();
    num(o, "agentsPerReplica", a.agents());
    num(o, "brokenAgents", a.brokenAgents());
    o.put("basis", a.basis());
    o.put("stepsPerTask", a.stepsPerTask());
    num(o, "thinkSeconds", a.thinkSeconds());
    a.taskObjectives().forEach(o.putArray("taskObjectives")::add);
    o.put("probe", a.probe());
    o.put("tasks", a.tasks());
    num(o, "taskP50Seconds", a.taskP50Seconds());
    num(o, "taskP95Seconds", a.taskP95Seconds());
    num(o, "shareAllStepsMet", a.shareAllStepsMet());
    num(o, "tasksPerHour", a.tasksPerHour());
    num(o, "requestsPerSecond", a.requestsPerSecond());
    num(o, "pricePerHour", a.pricePerHour());
    num(o, "costPerCompletedTask", a.costPerTask());
    o.put("method", dev.capkit.planner.search.AgentsPerReplica.METHOD);
    o.put("undefinedReason", a.undefinedReason());
    return o;
  }

  private static ObjectNode pod(PodResources p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("measured", p.measured());
    o.put("cpuMemoryBasis", p.cpuMemoryBasis());
    num(o, "cpuRequestCores", p.cpuRequest());
    num(o, "cpuLimitCores", p.cpuLimit());
    num(o, "memoryRequestGib", p.memoryRequest() / (1L << 30));
    num(o, "memoryLimitGib", p.memoryLimit() / (1L << 30));
    o.put("nvidiaGpu", p.gpus());
    num(o, "shmGib", p.shmBytes() / (1L << 30));
    num(o, "loadingFloorGib", p.loadingFloorBytes() / (1L << 30));
    ArrayNode strategies = o.putArray("strategies");
    for (ContainerSizing s : p.strategies()) {
      ObjectNode x = strategies.addObject();
      x.put("strategy", s.strategy());
      x.put("rule", s.rule());
      num(x, "cpuRequestCores", s.cpuRequest());
      num(x, "cpuLimitCores", s.cpuLimit());
      num(x, "memoryRequestGib", s.memoryRequest() / (1L << 30));
      num(x, "memoryLimitGib", s.memoryLimit() / (1L << 30));
      num(x, "cpuLowerCores", s.cpuLower());
      num(x, "cpuUpperCores", s.cpuUpper());
      x.put("samples", s.samples());
      num(x, "spanSeconds", s.spanSeconds());
      x.put("undefinedReason", s.undefinedReason());
    }
    p.basis().forEach(o.putArray("basis")::add);
    return o;
  }

  /** 4 significant digits; NaN as null, infinities as "-inf"/"+inf". */
  static void num(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else if (Double.isInfinite(v)) {
      o.put(key, v > 0 ? "+inf" : "-inf");
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      o.put(key, (long) v);
    } else {
      o.put(key, new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros());
    }
  }
}
