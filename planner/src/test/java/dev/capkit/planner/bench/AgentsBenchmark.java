package dev.capkit.planner.bench;

import dev.capkit.core.scenario.LoadShape;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import dev.capkit.core.search.CapacitySearch;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbeResult;
import dev.capkit.core.search.ProbeRunner;
import dev.capkit.core.search.SearchResult;
import dev.capkit.core.search.SearchSettings;
import dev.capkit.planner.search.AgentPrompt;
import dev.capkit.planner.search.VirtualAgentRunner;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.physics.Dtype;
import dev.capkit.twin.catalog.TierSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: agents per replica for closed-loop phone-agent sessions ({@code phone-agent-sessions}:
 * 10-step tasks, 1 s think time, its objectives per step), in virtual time (basis: predicted), on
 * its tier (A100 80GB, bf16):
 * <ul>
 *   <li><b>ground truth</b>: the most agents N* at which every objective's violating share over a long
 *       run ({@code bench.truthRequests} judged steps after 120 s of warm-up, 2 seeds pooled) is within
 *       its allowed share; found by bisection over whole agents (shares rise with N);
 *   <li>the capacity search over agents ({@link VirtualAgentRunner}) with 5 seeds: interval, whether it
 *       covers N* (low &lt;= N* &lt; high), load time, probes;
 *   <li>per task at the answer: completed tasks per hour per replica, task completion time p50/p95, the
 *       share of tasks whose every step met every objective, cost per completed task (tier price).
 * </ul>
 * {@code mvn -q -o -pl planner -am -Psearch-bench -DskipTests test -Dbench.agents=true}; {@code -Dbench.search=start=6,maxLooks=2}
 * searches with {@code agents-search}'s settings and those overrides (as an emulated run's {@code -Dcapkit.search.*});
 * {@code -Dbench.fixed=5,6,7} prints long runs at fixed agent counts instead.
 */
public final class AgentsBenchmark {
  private AgentsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long truthRequests = Long.getLong("bench.truthRequests", 20_000);
    int seeds = Integer.getInteger("bench.seeds", 5);
    System.out.printf(Locale.ROOT, "machine: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
        java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    Catalog catalog = Catalog.load(null);
    Scenario scenario = ScenarioLoader.load(ScenarioLoader.resolve("phone-agent-sessions", Path.of("../scenarios")), Map.of());
    LoadShape.Closed closed = (LoadShape.Closed) scenario.load();
    String tierId = scenario.emulator().tier();
    TierSpec tier = catalog.tier(tierId);
    ServingPlan plan = ServingPlan.resolve(catalog, tierId, scenario.model(), Dtype.parse(scenario.emulator().dtype()), 0);
    List<ObjectiveCheck> checks = ObjectiveCheck.of(scenario.slo());
    String language = scenario.mix().get(0).language();
    VirtualAgentRunner runner = new VirtualAgentRunner(plan, checks, closed.thinkTime().toMillis() / 1000.0, closed.stepsPerTask(),
        AgentPrompt.openAutoGlm(language), 1);
    long t0 = System.nanoTime();
    double idle = runner.simulate(1, 5, 50, 1e9, Map.of(), 7).meanResponseSeconds();
    String fixed = System.getProperty("bench.fixed", "");
    if (!fixed.isBlank()) { // the same workload at fixed agent counts, for comparison with an emulated run's probes
      fixedCounts(runner, fixed, truthRequests, idle);
      return;
    }
    int given = Integer.getInteger("bench.agentsTruth", 0); // a truth already computed (same workload): skip the bisection
    int truth = given > 0 ? given : truth(runner, checks, truthRequests);
    System.out.printf(Locale.ROOT, "%n## phone-agent-sessions on %s %s: %d-step tasks, think %.1f s, objectives %s%n", tierId,
        scenario.emulator().dtype(), closed.stepsPerTask(), runner.thinkSeconds(), checks.stream().map(c -> c.share().key()).toList());
    System.out.printf(Locale.ROOT, "one agent alone: mean step response %.2f s (predicted)%n", idle);
    System.out.printf(Locale.ROOT, "ground truth (predicted; %s): N* = %d agents per replica%n", given > 0 ? "given by -Dbench.agentsTruth"
        : String.format(Locale.ROOT, "long virtual runs of %,d judged steps x 2 seeds", truthRequests), truth);
    String searchOverrides = System.getProperty("bench.search", "");
    SearchSettings settings = searchOverrides.isBlank()
        ? new SearchSettings(1, 2, 0.05, 0.95, 8 * 3600, 10, 20, 4 * 3600, 150, 3, 3, 1000, true)
        : agentsSearchSettings(searchOverrides);
    System.out.println("search settings: " + settings);
    System.out.println("| seed | interval agents | covers N* | probes | early stops | load-s | stop |");
    System.out.println("|---:|---|---|---:|---:|---:|---|");
    int covered = 0;
    double spent = 0;
    SearchResult last = null;
    for (long seed = 1; seed <= seeds; seed++) {
      VirtualAgentRunner seeded = new VirtualAgentRunner(plan, checks, runner.thinkSeconds(), runner.stepsPerTask(), runner.prompt(), seed);
      // windows are sized as the main job's SearchDriver sizes them: X = N / (R + Z), R the latest probe's
      // mean response time (before the first: the think time, at least 1 s)
      double[] latest = {Math.max(runner.thinkSeconds(), 1)};
      ProbeRunner sized = p -> {
        VirtualAgentRunner.AgentRun a = seeded.probe(p);
        if (!Double.isNaN(a.meanResponseSeconds())) {
          latest[0] = a.meanResponseSeconds();
        }
        return VirtualAgentRunner.measured(p, a);
      };
      SearchResult r = CapacitySearch.run(ObjectiveCheck.shares(checks), settings, n -> seeded.requestRate(n, latest[0]), sized);
      boolean cover = !Double.isNaN(r.low()) && r.low() <= truth && (Double.isNaN(r.high()) || truth < r.high());
      covered += cover ? 1 : 0;
      spent += r.gpuSeconds();
      last = r;
      System.out.printf(Locale.ROOT, "| %d | [%s, %s] | %s | %d | %d | %.0f | %s |%n", seed, n(r.low()), n(r.high()), cover ? "yes" : "NO",
          r.probes().size(), r.probes().stream().filter(ProbeResult::stoppedEarly).count(), r.gpuSeconds(), r.stop());
      if (Boolean.getBoolean("bench.verbose")) {
        for (ProbeResult p : r.probes()) {
          System.out.printf(Locale.ROOT, "    %-12s %.0f agents %6.0f s planned: %d requests, violations %s, %s%s %s%n", p.plan().phase(),
              p.plan().rate(), p.plan().seconds(), p.requests(), p.violations(), p.verdict().key(),
              p.stoppedEarly() ? " (early stop)" : "", p.reasons());
        }
      }
    }
    System.out.printf(Locale.ROOT, "coverage %d of %d (nominal >= 95%%); mean load time %.0f s%n", covered, seeds, spent / seeds);
    int agents = last == null || Double.isNaN(last.low()) ? truth : (int) last.low();
    VirtualAgentRunner.AgentRun at = runner.simulate(agents, 120, truthRequests, 1e9, Map.of(), 99);
    double price = tier.pricePerHour();
    System.out.printf(Locale.ROOT, "plan (predicted) at %d agents per replica (the last search's held end): %.0f completed tasks/h per"
        + " replica, task completion p50 %.1f s / p95 %.1f s (%d steps + think time), %.1f%% of tasks with every step within every"
        + " objective, cost per completed task %.4f (tier price %.2f/h, catalog currency)%n", agents, at.tasks().tasksPerHour(),
        at.tasks().secondsAt(0.5), at.tasks().secondsAt(0.95), runner.stepsPerTask(), at.tasks().shareAllStepsMet() * 100,
        at.tasks().costPerTask(price),
        price);
    System.out.printf(Locale.ROOT, "(took %.1f s of CPU time to simulate)%n", (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The settings an emulated {@code agents-search} run uses with {@code -Dcapkit.search.<field>=value}
   * for each {@code field=value} of {@code overrides} (comma-separated), read by the same loader.
   */
  private static SearchSettings agentsSearchSettings(String overrides) throws Exception {
    Map<String, String> o = new java.util.LinkedHashMap<>();
    for (String kv : overrides.split(",")) {
      String[] p = kv.split("=", 2);
      if (p.length != 2) {
        throw new IllegalArgumentException("-Dbench.search: '" + kv + "' is not field=value");
      }
      o.put("search." + p[0].trim(), p[1].trim());
    }
    return ScenarioLoader.load(ScenarioLoader.resolve("agents-search", Path.of("../scenarios")), o).search();
  }

  /**
   * Per agent count in {@code counts} (comma-separated): a long run ({@code requests} judged steps
   * after 120 s of warm-up, seed 99) with its step figures, violating shares and tasks.
   */
  private static void fixedCounts(VirtualAgentRunner runner, String counts, long requests, double idle) {
    System.out.printf(Locale.ROOT, "one agent alone: mean step response %.2f s (predicted)%n", idle);
    System.out.println("| agents | steps | steps/s | ttft p50/p99 ms | e2e p50/p99 ms | prompt tokens | cached | violating shares"
        + " | tasks | task p50/p95 s | all steps met | tasks/h |");
    System.out.println("|---:|---:|---:|---|---|---:|---:|---|---:|---|---:|---:|");
    for (String c : counts.split(",")) {
      int n = Integer.parseInt(c.trim());
      VirtualAgentRunner.AgentRun r = runner.simulate(n, 120, requests, 1e9, Map.of(), 99);
      VirtualAgentRunner.StepFigures f = r.steps();
      StringBuilder shares = new StringBuilder();
      r.violations().forEach((k, v) -> shares.append(String.format(Locale.ROOT, "%s %.2f%% ", k, 100.0 * v / r.requests())));
      System.out.printf(Locale.ROOT, "| %d | %d | %.3f | %.0f / %.0f | %.0f / %.0f | %.0f | %.0f | %s| %d | %.1f / %.1f | %.1f%% | %.0f |%n", n,
          f.steps(), f.stepsPerSecond(), f.ttftP50() * 1e3, f.ttftP99() * 1e3, f.e2eP50() * 1e3, f.e2eP99() * 1e3, f.meanPromptTokens(),
          f.meanCachedTokens(), shares, r.tasks().tasks(), r.tasks().secondsAt(0.5), r.tasks().secondsAt(0.95),
          r.tasks().shareAllStepsMet() * 100, r.tasks().tasksPerHour());
    }
  }

  /** Bisection over whole agents for the most agents whose long-run shares all stay within their allowed shares. */
  private static int truth(VirtualAgentRunner runner, List<ObjectiveCheck> checks, long requests) {
    int lo = 1;
    int hi = 2;
    while (feasible(runner, checks, hi, requests)) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      int mid = (lo + hi) / 2;
      if (feasible(runner, checks, mid, requests)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static boolean feasible(VirtualAgentRunner runner, List<ObjectiveCheck> checks, int agents, long requests) {
    long n = 0;
    Map<String, Long> violations = new java.util.HashMap<>();
    for (int s = 0; s < 2; s++) {
      VirtualAgentRunner.AgentRun r = runner.simulate(agents, 120, requests, 1e9, Map.of(), 900_000 + s);
      n += r.requests();
      r.violations().forEach((k, v) -> violations.merge(k, v, Long::sum));
    }
    for (ObjectiveCheck c : checks) {
      if (violations.getOrDefault(c.share().key(), 0L) > c.share().allowed() * n) {
        return false;
      }
    }
    return true;
  }

  private static String n(double v) {
    return Double.isNaN(v) ? "-" : Long.toString(Math.round(v));
  }
}
