package dev.capkit.planner.predict;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.twin.Arrival;
import dev.capkit.twin.CapacityPredictions;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import dev.capkit.planner.Basis;
import dev.capkit.planner.LadderPoint;
import dev.capkit.planner.TierLadder;
import dev.capkit.planner.capacity.LatencyQuantiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Predicts a tier nobody measured: replays a load ladder with the scenario's request mix through
 * the emulator's {@link VirtualRun} (the same continuous-batching engine and roofline cost model as
 * the HTTP emulator) on a simulated clock, and returns the ladder as if it had been measured, marked
 * {@link Basis#PREDICTED}. Open-loop Poisson arrivals, steps back to back (a backlog carries over,
 * as in a real run), each request belonging to the step it arrived in.
 *
 * <p>Prompt text tokens of a phone step are {@value CapacityPredictions#SCREENSHOT_TEXT_TOKENS} (the
 * emulator's estimate for Open-AutoGLM's system prompt + task + earlier turns; x2.5 for the Chinese
 * prompt); chat prompts are log-normal through the mix's median and p90.
 *
 * <pre>{@code
 * TierLadder l = new TierPredictor(scenario, 42).predict(plan, new double[] {0.25, 0.5, 1}, 60, true);
 * }</pre>
 */
public record TierPredictor(ScenarioInfo scenario, long seed) {
  /** Requests wanted per step for a stable p99 (the step is lengthened at low rates to get them). */
  static final int TARGET_REQUESTS_PER_STEP = 400;
  static final double MAX_STEP_SECONDS = 1_800;
  static final int MAX_WAITING = 256;

  /**
   * A ladder of {@code rates} req/s, each step {@code stepSeconds} long, lengthened at low rates to
   * {@value #TARGET_REQUESTS_PER_STEP} requests when {@code lengthen} (calibration replays the
   * measured ladder exactly instead, so both sides have the same sample sizes).
   */
  public TierLadder predict(ServingPlan plan, double[] rates, double stepSeconds, boolean lengthen) {
    double[] durations = new double[rates.length];
    for (int s = 0; s < rates.length; s++) {
      durations[s] = lengthen ? Math.min(MAX_STEP_SECONDS, Math.max(stepSeconds, TARGET_REQUESTS_PER_STEP / rates[s])) : stepSeconds;
    }
    return predict(plan, rates, durations);
  }

  /** A ladder of {@code rates} req/s, step s lasting {@code durations[s]} seconds (calibration replays a measured ladder so). */
  public TierLadder predict(ServingPlan plan, double[] rates, double[] durations) {
    List<Arrival> arrivals = arrivals(rates, durations);
    double[] starts = new double[rates.length];
    for (int s = 1; s < rates.length; s++) {
      starts[s] = starts[s - 1] + durations[s - 1];
    }
    List<RequestRecord> records = new VirtualRun(plan, seed, 1.0, Profile.PHYSICS, MAX_WAITING).run(arrivals, 0);
    List<LadderPoint> points = new ArrayList<>();
    int next = 0;
    for (int s = 0; s < rates.length; s++) {
      List<RequestRecord> inStep = new ArrayList<>();
      double end = starts[s] + durations[s];
      while (next < records.size() && records.get(next).startEpochMicros() / 1e6 < end) {
        inStep.add(records.get(next++));
      }
      points.add(point(plan.tier().id(), s, rates[s], durations[s], inStep));
    }
    String description = String.format(Locale.ROOT, "virtual run on %s %s: %d steps, %d requests, seed %d",
        plan.tier().id(), plan.dtype().key(), rates.length, arrivals.size(), seed);
    List<String> sources = new ArrayList<>(List.of(description, servingNote(plan)));
    return new TierLadder(plan.tier().id(), plan.dtype().key(), Basis.PREDICTED, "open", sources, points);
  }

  /**
   * What the predicted replica runs and what its vLLM settings cost: tensor parallel degree, the
   * non-default flags, KV room in tokens and concurrent screenshot steps, max_model_len, and the
   * timing coefficients' source.
   */
  static String servingNote(ServingPlan plan) {
    var s = plan.serving();
    String tp = s.tensorParallelSize() > 1
        ? "tensor_parallel_size " + s.tensorParallelSize() + " over " + plan.tier().interconnect().kind() + "; " : "";
    return String.format(Locale.ROOT, "%svLLM gpu_memory_utilization %.2f, max_model_len %d, max_num_seqs %d, kv_cache_dtype %s,"
            + " prefix caching %s: KV room %,d tokens = %d concurrent screenshot steps; prompt + max_tokens above %d refused;"
            + " timing coefficients: %s",
        tp, s.gpuMemoryUtilization(), s.maxModelLen(), s.maxNumSeqs(), s.kvCacheBytesPerElement() == 1 ? "fp8" : "auto",
        s.enablePrefixCaching() ? "on" : "off", plan.budget().tokens(),
        plan.maxConcurrentSequences(dev.capkit.twin.CapacityPredictions.SCREENSHOT_STEP_TOKENS), s.maxModelLen(),
        plan.coefficients().source());
  }

  /** Seeded Poisson arrivals of the scenario's mix: step s at {@code rates[s]} req/s for {@code durations[s]} s, back to back. */
  public List<Arrival> arrivals(double[] rates, double[] durations) {
    List<Arrival> arrivals = new ArrayList<>();
    Random random = new Random(seed);
    double t0 = 0;
    for (int s = 0; s < rates.length; s++) {
      double t = t0;
      int i = 0;
      while (true) {
        t += -Math.log(1 - random.nextDouble()) / rates[s];
        if (t >= t0 + durations[s]) {
          break;
        }
        arrivals.add(arrival(t, "v" + s + "-" + i++, random));
      }
      t0 += durations[s];
    }
    return arrivals;
  }

  /** A ladder placed around the tier's own saturation: 12 steps from 1/8 to 1.5 times it. */
  public TierLadder predictAroundSaturation(ServingPlan plan) {
    return predictAroundSaturation(plan, 8);
  }

  /**
   * 12 steps from {@code 1/divisor} to {@code 12/divisor} of the tier's saturated throughput; the
   * planner retries with a larger divisor when an objective is already crossed at the first step.
   */
  public TierLadder predictAroundSaturation(ServingPlan plan, double divisor) {
    double saturation = CapacityPredictions.of(plan, seed).sustainableStepsPerSecond();
    double[] rates = new double[12];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = saturation * (i + 1) / divisor;
    }
    return predict(plan, rates, 60, true);
  }

  private Arrival arrival(double t, String id, Random random) {
    List<Map<String, Object>> mix = scenario.mix();
    double total = mix.stream().mapToDouble(m -> ((Number) m.get("weight")).doubleValue()).sum();
    double pick = random.nextDouble() * total;
    Map<String, Object> kind = mix.get(mix.size() - 1);
    for (Map<String, Object> m : mix) {
      pick -= ((Number) m.get("weight")).doubleValue();
      if (pick < 0) {
        kind = m;
        break;
      }
    }
    String name = (String) kind.get("kind");
    Integer maxTokens = kind.get("maxTokens") == null ? null : ((Number) kind.get("maxTokens")).intValue();
    boolean stream = !Boolean.FALSE.equals(kind.get("stream"));
    // recorded sessions are phone steps too (their screenshots' sizes are not in run.json: 1080x2400 assumed)
    if ("phone-step".equals(kind.get("type")) || "recorded-session".equals(kind.get("type"))) {
      String[] size = String.valueOf(kind.getOrDefault("screenshot", "1080x2400")).split("x");
      int text = CapacityPredictions.SCREENSHOT_TEXT_TOKENS;
      if ("zh".equals(kind.get("language"))) {
        text = (int) (text * 2.5); // 8.3k-char Chinese prompt, about one token per character
      }
      return new Arrival(t, id, name, text, Integer.parseInt(size[0]), Integer.parseInt(size[1]), maxTokens, stream);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tokens = (Map<String, Object>) kind.getOrDefault("promptTokens", Map.of("median", 300, "p90", 1200));
    double median = ((Number) tokens.get("median")).doubleValue();
    double p90 = ((Number) tokens.get("p90")).doubleValue();
    double sigma = p90 > median ? Math.log(p90 / median) / 1.2815515655 : 0;
    int text = (int) Math.max(8, Math.round(median * Math.exp(sigma * random.nextGaussian())));
    return new Arrival(t, id, name, text, 0, 0, maxTokens, stream);
  }

  private static LadderPoint point(String tier, int index, double rate, double duration, List<RequestRecord> records) {
    Map<String, Histogram> latency = new LinkedHashMap<>();
    for (String m : List.of("e2e", "ttft", "tpot", "itl")) {
      latency.put(m, new Histogram(3));
    }
    long ok = 0;
    double e2eSum = 0;
    double prompt = 0;
    double completion = 0;
    for (RequestRecord r : records) {
      if (r.outcome() != Outcome.OK) {
        continue;
      }
      ok++;
      e2eSum += r.e2eNanos() / 1e9;
      prompt += r.promptTokens();
      completion += r.completionTokens();
      record(latency.get("e2e"), r.e2eNanos());
      record(latency.get("ttft"), r.ttftNanos());
      record(latency.get("tpot"), r.tpotNanos());
      for (long gap : r.itlNanos()) {
        record(latency.get("itl"), gap);
      }
    }
    long sent = records.size();
    String source = String.format(Locale.ROOT, "virtual/%s/v%02d-qps%.3g", tier, index, rate);
    return new LadderPoint(source, rate, rate, ok / duration, duration, sent, ok, sent == 0 ? 0 : (double) (sent - ok) / sent,
        e2eSum / duration, ok == 0 ? Double.NaN : e2eSum / ok, ok == 0 ? Double.NaN : prompt / ok,
        ok == 0 ? Double.NaN : completion / ok, compact(latency));
  }

  private static Map<String, LatencyQuantiles> compact(Map<String, Histogram> latency) {
    Map<String, LatencyQuantiles> out = new LinkedHashMap<>();
    latency.forEach((k, h) -> out.put(k, LatencyQuantiles.ofMicros(h)));
    return out;
  }

  private static void record(Histogram h, long nanos) {
    if (nanos >= 0) {
      h.recordValue(Math.max(1, (nanos + 500) / 1000));
    }
  }
}
