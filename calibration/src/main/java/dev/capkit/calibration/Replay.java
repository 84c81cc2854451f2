package dev.capkit.calibration;

import dev.capkit.core.results.LatencyStats;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.Arrival;
import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.VirtualRun;
import dev.capkit.twin.physics.ImageTokenRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Sends measured runs' load again through the twin ({@link VirtualRun}, virtual time) and returns
 * the same statistics the runs measured, per run, step and kind.
 *
 * <p>What is replayed: with {@code requests.jsonl}, every successful request at its intended send
 * time with its own prompt and completion tokens; without it, Poisson arrivals at each step's
 * offered rate, kinds in the proportions that succeeded, each with the kind's mean prompt and
 * completion tokens ({@code seeds} independent draws pooled, to keep the twin's own sampling noise
 * out of the fit). In both, the run's warm-up is sent first at the first step's rate and not
 * counted. Answers are exactly the measured completion tokens (the plan's answers are set to
 * {@code fill-max-tokens} with {@code max_tokens} = the measured length). Requests are never refused
 * for a full waiting queue (llama.cpp and vLLM queue without bound).
 *
 * <pre>{@code
 * Map<String, Double> predicted = new Replay(runs, 3, plan.imageRule()).figures(plan);   // Figure.key() -> ms
 * }</pre>
 */
public final class Replay {
  private static final int UNBOUNDED_WAITING = Integer.MAX_VALUE / 2;
  /** The "kind" of figures the server measured about all requests of a step. */
  public static final String SERVER = "server";
  /**
   * Engine-side prompt time per prompt token ({@code llamacpp:prompt_seconds_total} over
   * {@code llamacpp:prompt_tokens_total} across the step), in ms.
   */
  public static final String PROMPT_MS_PER_TOKEN = "prompt_ms_per_token";
  private final List<MeasuredRun> runs;
  private final int seeds;
  private final Map<MeasuredRun, List<List<Arrival>>> arrivals = new HashMap<>();
  private final Map<String, String> stepOfArrival = new HashMap<>();
  private final ImageTokenRule imageRule;

  /**
   * @param seeds     independent Poisson draws pooled per run without requests.jsonl (>= 1)
   * @param imageRule the served model's image-token rule (a measured prompt of an image kind counts its
   *                  image tokens; the replay sends the text part and the image), or null for text-only runs
   */
  public Replay(List<MeasuredRun> runs, int seeds, ImageTokenRule imageRule) {
    this.runs = List.copyOf(runs);
    this.imageRule = imageRule;
    this.seeds = Math.max(1, seeds);
    for (int r = 0; r < runs.size(); r++) {
      MeasuredRun run = runs.get(r);
      List<List<Arrival>> draws = new ArrayList<>();
      int n = run.requests().isEmpty() ? this.seeds : 1;
      for (int d = 0; d < n; d++) {
        draws.add(arrivalsOf(run, "r" + r + "d" + d)); // ids unique across runs and draws
      }
      arrivals.put(run, draws);
    }
  }

  /**
   * The measured figures of the runs, with their weights: means and medians 1 (means move smoothly with the
   * coefficients, which the optimizer needs), p90/p99 0.5 (noisier); streamed kinds give TTFT and TPOT,
   * non-streamed ones E2E; when the server's own counters reached {@code server-metrics.jsonl}
   * ({@code llamacpp:prompt_seconds_total}, {@code prompt_tokens_total}) the step's engine-side prompt time per
   * token, weight 1 (kind {@value #SERVER}, figure {@value #PROMPT_MS_PER_TOKEN}): it prices prefill without the
   * client's view of waiting for a slot and host time, so it pins {@code mfu} where TTFT mixes it with queueing.
   * ITL is not fitted: its median depends on how the server hands tokens to the
   * socket (llama.cpp's front can deliver several tokens in one read, ITL p50 ~0), TPOT carries the
   * decode speed.
   */
  public static List<Figure> measured(List<MeasuredRun> runs) {
    List<Figure> out = new ArrayList<>();
    for (MeasuredRun run : runs) {
      for (MeasuredStep s : run.steps()) {
        for (MeasuredKind k : s.kinds().values()) {
          if (k.stream()) {
            add(out, run, s, k, "ttft.mean", k.ttft().mean(), 1);
            add(out, run, s, k, "ttft.p50", k.ttft().p50(), 1);
            add(out, run, s, k, "ttft.p90", k.ttft().p90(), 0.5);
            add(out, run, s, k, "ttft.p99", k.ttft().p99(), 0.5);
            add(out, run, s, k, "tpot.mean", k.tpot().mean(), 1);
            add(out, run, s, k, "tpot.p50", k.tpot().p50(), 1);
          } else {
            add(out, run, s, k, "e2e.mean", k.e2e().mean(), 1);
            add(out, run, s, k, "e2e.p50", k.e2e().p50(), 1);
          }
        }
        if (s.serverPromptMsPerToken() > 0 && Double.isFinite(s.serverPromptMsPerToken())) {
          out.add(new Figure(run.name(), s.id(), SERVER, PROMPT_MS_PER_TOKEN, s.serverPromptMsPerToken(), 1));
        }
      }
    }
    return out;
  }

  private static void add(List<Figure> out, MeasuredRun run, MeasuredStep s, MeasuredKind k, String name, double ms,
      double weight) {
    if (ms > 0 && Double.isFinite(ms)) {
      out.add(new Figure(run.name(), s.id(), k.kind(), name, ms, weight));
    }
  }

  /** Replays every run on {@code plan} and returns {@link Figure#key()} -> predicted milliseconds. */
  public Map<String, Double> figures(ServingPlan plan) {
    ServingPlan filling = plan.withAnswers(dev.capkit.twin.answers.AnswerLength.FILL_MAX_TOKENS);
    Map<String, Double> out = new LinkedHashMap<>();
    for (MeasuredRun run : runs) {
      Map<String, Map<String, Histogram>> byStepKindMetric = new HashMap<>();
      Map<String, double[]> serverPrompt = new HashMap<>(); // step -> {prompt seconds, prompt tokens}
      for (List<Arrival> draw : arrivals.get(run)) {
        Map<String, Double> promptSeconds = new HashMap<>();
        List<RequestRecord> records = new VirtualRun(filling, 42, 1.0, Profile.PHYSICS, UNBOUNDED_WAITING)
            .run(draw, 0, promptSeconds::put);
        for (RequestRecord r : records) {
          String step = stepOfArrival.get(r.requestId());
          if (step == null || !r.ok()) {
            continue; // warm-up, or refused (prompt + max_tokens over max_model_len)
          }
          Double prompt = promptSeconds.get(r.requestId());
          if (prompt != null) {
            serverPrompt.computeIfAbsent(step, k -> new double[2])[0] += prompt;
            serverPrompt.get(step)[1] += r.promptTokens();
          }
          String base = step + "|" + r.kind() + "|";
          record(byStepKindMetric, base + "ttft", r.ttftNanos());
          record(byStepKindMetric, base + "tpot", r.tpotNanos());
          record(byStepKindMetric, base + "e2e", r.e2eNanos());
          for (long gap : r.itlNanos()) {
            record(byStepKindMetric, base + "itl", gap);
          }
        }
      }
      for (MeasuredStep s : run.steps()) {
        double[] sp = serverPrompt.get(s.id());
        if (sp != null && sp[1] > 0) {
          out.put(Figure.key(run.name(), s.id(), SERVER, PROMPT_MS_PER_TOKEN), sp[0] / sp[1] * 1e3);
        }
        for (MeasuredKind k : s.kinds().values()) {
          String base = s.id() + "|" + k.kind() + "|";
          for (String metric : List.of("ttft", "tpot", "itl", "e2e")) {
            Histogram h = byStepKindMetric.getOrDefault(base + metric, Map.of()).get("h");
            LatencyStats stats = h == null ? LatencyStats.EMPTY : LatencyStats.ofMicros(h);
            out.put(Figure.key(run.name(), s.id(), k.kind(), metric + ".mean"), stats.mean());
            out.put(Figure.key(run.name(), s.id(), k.kind(), metric + ".p50"), stats.p50());
            out.put(Figure.key(run.name(), s.id(), k.kind(), metric + ".p90"), stats.p90());
            out.put(Figure.key(run.name(), s.id(), k.kind(), metric + ".p99"), stats.p99());
          }
        }
      }
    }
    return out;
  }

  private static void record(Map<String, Map<String, Histogram>> into, String key, long nanos) {
    if (nanos < 0) {
      return;
    }
    into.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent("h", k -> new Histogram(3))
        .recordValue(Math.max(1, (nanos + 500) / 1000));
  }

  private List<Arrival> arrivalsOf(MeasuredRun run, String draw) {
    List<Arrival> out = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(0x5EED + 7919L * draw.hashCode() + run.name().hashCode());
    double warmup = run.warmupSeconds();
    // warm-up: the first step's load, sent before it and not counted
    poisson(out, run.steps().get(0), 0, warmup, random, "w" + draw + "-", false);
    if (!run.requests().isEmpty()) {
      Map<String, MeasuredStep> steps = new HashMap<>();
      run.steps().forEach(st -> steps.put(st.id(), st));
      int i = 0;
      for (ReplayRequest r : run.requests()) {
        String id = "m" + draw + "-" + i++;
        stepOfArrival.put(id, r.step());
        MeasuredKind k = steps.get(r.step()).kinds().get(r.kind());
        int w = k == null ? 0 : k.imageWidth();
        int h = k == null ? 0 : k.imageHeight();
        out.add(new Arrival(warmup + r.offsetSeconds(), id, r.kind(), textTokens(r.promptTokens(), w, h), w, h,
            r.completionTokens(), r.stream()));
      }
    } else {
      for (MeasuredStep s : run.steps()) {
        poisson(out, s, warmup + s.startOffsetSeconds(), s.durationSeconds(), random, "p" + draw + "-" + s.index() + "-", true);
      }
    }
    return out;
  }

  /** Prompt text tokens of a request whose measured prompt (usage) includes its image's tokens. */
  private int textTokens(int promptTokens, int width, int height) {
    if (width <= 0 || height <= 0 || imageRule == null) {
      return Math.max(1, promptTokens);
    }
    return Math.max(1, promptTokens - imageRule.tokens(width, height).tokens());
  }

  private void poisson(List<Arrival> out, MeasuredStep s, double start, double duration,
      SplittableRandom random, String prefix, boolean counted) {
    if (duration <= 0 || s.offeredQps() <= 0) {
      return;
    }
    List<MeasuredKind> kinds = new ArrayList<>(s.kinds().values());
    double total = kinds.stream().mapToDouble(MeasuredKind::ok).sum();
    double t = start;
    int i = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / s.offeredQps();
      if (t >= start + duration) {
        return;
      }
      double pick = random.nextDouble() * total;
      MeasuredKind k = kinds.get(kinds.size() - 1);
      for (MeasuredKind c : kinds) {
        pick -= c.ok();
        if (pick < 0) {
          k = c;
          break;
        }
      }
      String id = prefix + i++;
      if (counted) {
        stepOfArrival.put(id, s.id());
      }
      int completion = (int) Math.max(1, Math.round(k.meanCompletionTokens()));
      int prompt = textTokens((int) Math.round(k.meanPromptTokens()), k.imageWidth(), k.imageHeight());
      out.add(new Arrival(Math.max(0, t), id, k.kind(), prompt, k.imageWidth(), k.imageHeight(), completion, k.stream()));
    }
  }
}
