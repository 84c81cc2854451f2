package dev.capkit.twin;

import dev.capkit.core.results.RequestRecord;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.TierSpec;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.physics.StepWork;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model's headline predictions for one serving plan, computed from the same engine and cost
 * model the emulator runs:
 * <ul>
 *   <li>single-stream decode tokens/s: {@code 1 / step time} of one sequence decoding at the context
 *       of a screenshot step;
 *   <li>TTFT of one screenshot step on an idle server (virtual run of a single request);
 *   <li>max concurrent screenshot steps: {@code min(max_num_seqs, KV blocks / blocks per step)};
 *   <li>sustainable phone-agent steps/s: saturated throughput, a burst of steps replayed on the
 *       virtual clock, completions per second between the 20th and 80th percentile of completion times.
 * </ul>
 * A screenshot step is 1080x2400 px (3,356 image tokens) + {@value #SCREENSHOT_TEXT_TOKENS} text tokens,
 * answering a seeded phone-agent answer (~52 tokens on average).
 *
 * <p>Run {@code main} to print the markdown table of every shipped tier x dtype (twin/README.md).
 */
public record CapacityPredictions(
    ServingPlan plan, double singleStreamTokensPerSecond, double screenshotTtftSeconds, long maxConcurrentSteps,
    double sustainableStepsPerSecond) {

  /** Estimate: Open-AutoGLM's English system prompt (2.6k chars ~ 650 tokens) + task + earlier turns' text. */
  public static final int SCREENSHOT_TEXT_TOKENS = 900;
  /** Prompt + a typical answer, used to size concurrent sequences in KV. */
  public static final int SCREENSHOT_STEP_TOKENS = 3_356 + SCREENSHOT_TEXT_TOKENS + 60;
  public static final int SCREEN_WIDTH = 1080;
  public static final int SCREEN_HEIGHT = 2400;

  public static CapacityPredictions of(ServingPlan plan, long seed) {
    int prompt = SCREENSHOT_STEP_TOKENS - 60;
    double decode = plan.costModel().seconds(StepWork.decode(prompt));
    VirtualRun run = new VirtualRun(plan, seed, 1.0, Profile.PHYSICS, Integer.MAX_VALUE);
    RequestRecord one = run.run(List.of(step(0, "ttft-probe")), 0).get(0);
    long maxConcurrent = plan.maxConcurrentSequences(SCREENSHOT_STEP_TOKENS);
    int burst = (int) Math.max(200, Math.min(3_000, 4 * maxConcurrent));
    List<Arrival> arrivals = new ArrayList<>(burst);
    for (int i = 0; i < burst; i++) {
      arrivals.add(step(0, "burst-" + i));
    }
    double[] done = run.run(arrivals, 0).stream().mapToDouble(r -> r.e2eNanos() / 1e9).sorted().toArray();
    int lo = (int) (0.2 * done.length);
    int hi = (int) (0.8 * done.length);
    double throughput = (hi - lo) / (done[hi] - done[lo]);
    return new CapacityPredictions(plan, 1.0 / decode, one.ttftNanos() / 1e9, maxConcurrent, throughput);
  }

  private static Arrival step(double at, String id) {
    return Arrival.phoneStep(at, id, SCREENSHOT_TEXT_TOKENS, SCREEN_WIDTH, SCREEN_HEIGHT);
  }

  /** Prints the predictions table for every tier and dtype of the catalog (args[0]: optional catalog dir). */
  public static void main(String[] args) {
    Catalog catalog = Catalog.load(args.length > 0 ? Path.of(args[0]) : null);
    System.out.println(table(catalog, 42));
  }

  public static String table(Catalog catalog, long seed) {
    StringBuilder out = new StringBuilder();
    out.append("| tier | GPU | dtype | price/h | KV cache tokens | single-stream tok/s | screenshot TTFT s | max concurrent steps | sustainable steps/s | steps/s per price unit |\n");
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (TierSpec tier : catalog.tiers().values()) {
      if (catalog.gpu(tier.gpuId()).cpu()) {
        continue; // a CPU tier is llama.cpp's, not a place to serve AutoGLM-Phone-9B with vLLM
      }
      for (Dtype dtype : Dtype.values()) {
        String price = tier.hasPrice() ? String.format(Locale.ROOT, "%.2f", tier.pricePerHour()) : "?";
        try {
          ServingPlan plan = ServingPlan.resolve(catalog, tier.id(), "autoglm-phone-9b", dtype, 0);
          CapacityPredictions p = of(plan, seed);
          out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %,d | %.1f | %.2f | %d | %.2f | %s |%n",
              tier.id(), plan.gpu().id(), dtype.key(), price, plan.budget().tokens(), p.singleStreamTokensPerSecond(),
              p.screenshotTtftSeconds(), p.maxConcurrentSteps(), p.sustainableStepsPerSecond(),
              tier.hasPrice() ? String.format(Locale.ROOT, "%.3f", p.sustainableStepsPerSecond() / tier.pricePerHour()) : "?"));
        } catch (ServingRefusedException e) {
          String reason = e.getMessage().replaceFirst("^cannot serve [^:]*: ", "");
          out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | refuses: %s | | | | | |%n",
              tier.id(), tier.gpuId(), dtype.key(), price, reason.replace("|", "/")));
        }
      }
    }
    return out.toString();
  }
}
