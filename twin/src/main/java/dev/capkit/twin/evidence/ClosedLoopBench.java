package dev.capkit.twin.evidence;

import dev.capkit.twin.Profile;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.Emission;
import dev.capkit.twin.engine.EngineRequest;
import dev.capkit.twin.engine.EngineStep;

/**
 * What {@code vllm bench serve} reports for fixed-length text requests, predicted on the virtual
 * clock with the same engine and cost model the emulator runs: {@code concurrency} requests in
 * flight (a finished one is replaced at once, like {@code --max-concurrency}), or all requests sent
 * at time 0 when {@code concurrency} is 0. Each request's host-side time
 * ({@code host_request_ms}) delays its entry into the engine, as the API server does.
 *
 * <pre>{@code
 * ClosedLoopBench.Result r = ClosedLoopBench.run(plan, 1, 20, 1024, 128, false);
 * double tokPerS = 1000.0 / r.meanTpotMs();
 * }</pre>
 */
public final class ClosedLoopBench {
  private ClosedLoopBench() {}

  /** Means over all requests, and the benchmark's duration (first send to last token). */
  public record Result(double meanTtftMs, double meanTpotMs, double meanE2eS, double durationS, long totalTokens) {
    public double totalTokensPerSecond() {
      return totalTokens / durationS;
    }
  }

  private static final class Track {
    double sent;
    double first;
  }

  /**
   * @param sharedPrompt all requests send the same prompt (prefix caching can reuse it); otherwise each prompt is unique
   */
  public static Result run(ServingPlan plan, int concurrency, int requests, int promptTokens, int outputTokens,
      boolean sharedPrompt) {
    ContinuousBatchingEngine engine = plan.newEngine(1.0, Profile.PHYSICS);
    double hostDelay = plan.coefficients().hostRequestSeconds();
    int inFlight = concurrency <= 0 ? requests : Math.min(concurrency, requests);
    double now = 0;
    int sent = 0;
    double ttft = 0;
    double tpot = 0;
    double e2e = 0;
    java.util.ArrayDeque<double[]> pending = new java.util.ArrayDeque<>(); // {enterTime, index}
    for (; sent < inFlight; sent++) {
      pending.add(new double[] {now + hostDelay, sent});
    }
    Track[] tracks = new Track[requests];
    int done = 0;
    while (done < requests) {
      while (!pending.isEmpty() && (pending.peekFirst()[0] <= now || !engine.hasWork())) {
        double[] p = pending.pollFirst();
        now = Math.max(now, p[0]);
        Track t = new Track();
        t.sent = p[0] - hostDelay;
        tracks[(int) p[1]] = t;
        String key = sharedPrompt ? "text:bench-prompt" : "text:bench-" + (int) p[1];
        engine.add(new EngineRequest("bench-" + (int) p[1], promptTokens, 0, 0, 0, outputTokens, 0, 0, t,
            java.util.List.of(new dev.capkit.twin.engine.PromptSegment(key, promptTokens))));
      }
      EngineStep step = engine.step();
      now += step.seconds();
      for (Emission e : step.emissions()) {
        Track t = (Track) e.request().attachment();
        if (e.tokenIndex() == 0) {
          t.first = now - t.sent;
        }
        if (e.last()) {
          double total = now - t.sent;
          ttft += t.first;
          e2e += total;
          tpot += outputTokens > 1 ? (total - t.first) / (outputTokens - 1) : 0;
          done++;
          if (sent < requests) {
            pending.add(new double[] {now + hostDelay, sent++});
          }
        }
      }
    }
    return new Result(ttft / requests * 1e3, tpot / requests * 1e3, e2e / requests, now,
        (long) requests * (promptTokens + outputTokens));
  }
}
