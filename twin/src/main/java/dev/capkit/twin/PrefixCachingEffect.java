package dev.capkit.twin;

import dev.capkit.twin.engine.PromptSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What vLLM's prefix caching does to phone-agent steps on one plan, predicted on the virtual clock
 * with caching on and off ({@code enable_prefix_caching}):
 * <ul>
 *   <li>TTFT of a step whose system prompt ({@value Arrival#PHONE_SYSTEM_PROMPT_TOKENS} tokens) is already
 *       cached by an earlier step, on an otherwise idle server;
 *   <li>TTFT of step {@value #SESSION_STEP} of one session, whose earlier turns
 *       ({@value #TURN_TOKENS} tokens each, estimate: the previous answer + the action's result text) are cached too;
 *   <li>sustainable steps/s, as in {@link CapacityPredictions} (a burst of independent steps: only the system prompt is shared).
 * </ul>
 * The screenshot is new in every step, so it and its vision encoding are never cached.
 */
public record PrefixCachingEffect(ServingPlan plan, double ttftOff, double ttftOn, double sessionTtftOff,
    double sessionTtftOn, double stepsPerSecondOff, double stepsPerSecondOn) {

  /** Step of a session whose history is measured (its 9 earlier turns are in the prompt). */
  public static final int SESSION_STEP = 10;
  /** Text tokens one earlier turn adds to a session's prompt (estimate: ~52-token answer + action result). */
  public static final int TURN_TOKENS = 80;

  public static PrefixCachingEffect of(ServingPlan on, long seed) {
    ServingPlan off = new ServingPlan(on.tier(), on.gpu(), on.model(), on.dtype(), on.serving().withPrefixCaching(false),
        on.budget(), on.coefficients(), on.answers());
    ServingPlan cached = new ServingPlan(on.tier(), on.gpu(), on.model(), on.dtype(), on.serving().withPrefixCaching(true),
        on.budget(), on.coefficients(), on.answers());
    return new PrefixCachingEffect(cached, secondStepTtft(off, seed), secondStepTtft(cached, seed),
        sessionTtft(off, seed), sessionTtft(cached, seed),
        CapacityPredictions.of(off, seed).sustainableStepsPerSecond(),
        CapacityPredictions.of(cached, seed).sustainableStepsPerSecond());
  }

  private static double secondStepTtft(ServingPlan plan, long seed) {
    List<Arrival> two = List.of(step(0, "warm", 900, List.of()), step(30, "probe", 900, List.of()));
    return new VirtualRun(plan, seed, 1.0, Profile.PHYSICS, 64).run(two, 0).get(1).ttftNanos() / 1e9;
  }

  /** One session's steps 30 s apart; TTFT of its last step. */
  private static double sessionTtft(ServingPlan plan, long seed) {
    List<Arrival> steps = new ArrayList<>();
    for (int k = 1; k <= SESSION_STEP; k++) {
      List<PromptSegment> turns = new ArrayList<>();
      for (int j = 1; j < k; j++) {
        turns.add(new PromptSegment("text:session-1:turn-" + j, TURN_TOKENS));
      }
      steps.add(step(30.0 * (k - 1), "session-1-step-" + k, 900 + (k - 1) * TURN_TOKENS, turns));
    }
    return new VirtualRun(plan, seed, 1.0, Profile.PHYSICS, 64).run(steps, 0).get(SESSION_STEP - 1).ttftNanos() / 1e9;
  }

  private static Arrival step(double at, String id, int textTokens, List<PromptSegment> turns) {
    Arrival a = Arrival.phoneStep(at, id, textTokens, CapacityPredictions.SCREEN_WIDTH, CapacityPredictions.SCREEN_HEIGHT);
    List<PromptSegment> prefix = new ArrayList<>(a.prefix());
    prefix.addAll(turns);
    return a.withPrefix(prefix);
  }

  /** Markdown rows for the given plans. */
  public static String table(List<ServingPlan> plans, long seed) {
    StringBuilder b = new StringBuilder();
    b.append("| tier | GPU | dtype | step TTFT s, caching off -> on | step " + SESSION_STEP
        + " of a session, TTFT s, off -> on | sustainable steps/s, off -> on |\n");
    b.append("|---|---|---|---:|---:|---:|\n");
    for (ServingPlan p : plans) {
      PrefixCachingEffect e = of(p, seed);
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f -> %.3f (%+.0f%%) | %.3f -> %.3f (%+.0f%%) | %.2f -> %.2f (%+.0f%%) |%n",
          p.tier().id(), p.gpu().id(), p.dtype().key(), e.ttftOff, e.ttftOn, pct(e.ttftOn, e.ttftOff),
          e.sessionTtftOff, e.sessionTtftOn, pct(e.sessionTtftOn, e.sessionTtftOff),
          e.stepsPerSecondOff, e.stepsPerSecondOn, pct(e.stepsPerSecondOn, e.stepsPerSecondOff)));
    }
    return b.toString();
  }

  private static double pct(double now, double before) {
    return 100 * (now / before - 1);
  }
}
