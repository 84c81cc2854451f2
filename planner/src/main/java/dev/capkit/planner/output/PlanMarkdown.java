package dev.capkit.planner.output;

import dev.capkit.planner.PlanResult;
import dev.capkit.planner.TierRecommendation;
import dev.capkit.planner.capacity.SloCrossing;
import dev.capkit.planner.capacity.SustainableRate;
import dev.capkit.planner.sizing.ContainerSizing;
import dev.capkit.planner.sizing.PodResources;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * plan.md: the seed article's tier table, filled from measurements (tier | GPU | VRAM | fits? |
 * sustainable QPS/replica [95% CI] | replicas for target | $/h | measured or predicted), then the
 * recommendation, the container resources, each tier's derivation, and the warnings.
 *
 * <pre>{@code
 * System.out.print(PlanMarkdown.tierTable(plan));   // what ./capkit plan prints
 * Files.writeString(dir.resolve("plan.md"), PlanMarkdown.render(plan));
 * }</pre>
 */
public final class PlanMarkdown {
  private PlanMarkdown() {}

  /** The tier table alone, ranked rows first. */
  public static String tierTable(PlanResult plan) {
    String cur = plan.prices().currency().split(" ")[0];
    StringBuilder b = new StringBuilder();
    b.append("| rank | tier | GPU | VRAM | dtype | fits? | sustainable QPS/replica [95% CI] | replicas for ")
        .append(fmt(plan.targetQps())).append(" QPS (N+1) | ").append(cur).append("/h | ").append(cur)
        .append(" per 1k req | basis | J per output token (predicted) | ").append(cur).append(" per 1M output tokens |\n");
    b.append("|---:|---|---|---:|---|---|---|---:|---:|---:|---|---:|---:|\n");
    for (int i = 0; i < plan.rows().size(); i++) {
      TierRecommendation r = plan.rows().get(i);
      dev.capkit.planner.capacity.TokenEconomics t = i < plan.tokenEconomics().size() ? plan.tokenEconomics().get(i) : null;
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f GB | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
          r.rank() > 0 ? Integer.toString(r.rank()) : "-", r.tierId(),
          r.gpuCount() > 1 ? r.gpuCount() + "x " + r.gpu() + " (TP " + r.gpuCount() + ")" : r.gpu(), r.vramGib(), r.dtype(),
          r.feasible() ? "yes" : !r.vram().judged() ? "not judged: model not in catalog" : "**no**: " + shorten(r.vram().reason()) + (r.vram().dtypesThatFit().isEmpty() ? ""
              : "; fits: " + r.vram().dtypesThatFit().stream().map(s -> s.split(" ")[0]).collect(Collectors.joining(", "))),
          rate(r.sustainable()), r.replicas().defined() ? r.replicas().replicas() + " (" + r.replicas().base() + "+1)" : "-",
          money(r.replicas().costPerHour()), money(r.replicas().costPer1000()),
          r.basis().fromRun() ? r.basis().key() : "predicted" + (Double.isNaN(r.calibrationFactor()) || r.calibrationFactor() == 1.0
              ? (Double.isNaN(r.calibrationFactor()) ? "" : " (uncalibrated)")
              : String.format(Locale.ROOT, " (x%.2f)", r.calibrationFactor())),
          t == null ? "?" : fmt(t.joulesPerOutputToken()), t == null ? "?" : money(t.costPerMillionOutputTokens())));
    }
    return b.toString();
  }

  /**
   * Rows planned from an agents search (closed-loop phone agents): agents per replica with the
   * search's interval, completed tasks per hour, task completion time, share of tasks with every step
   * met, cost per completed task, each with its basis; empty when no row has one.
   */
  public static String agentsSection(PlanResult plan) {
    List<TierRecommendation> rows = plan.rows().stream().filter(r -> r.agents() != null).toList();
    if (rows.isEmpty()) {
      return "";
    }
    String cur = plan.prices().currency().split(" ")[0];
    StringBuilder b = new StringBuilder("## Agents per replica (closed-loop phone agents, from an agents search)\n\n");
    b.append("| tier | dtype | agents per replica [held, broken] | basis | tasks/h per replica | task time p50 / p95 | tasks with every"
        + " step met | model calls/s | ").append(cur).append(" per completed task | from |\n");
    b.append("|---|---|---|---|---:|---|---:|---:|---:|---|\n");
    for (TierRecommendation r : rows) {
      var a = r.agents();
      if (!a.defined()) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | - | - | - | - | - | %s |%n", r.tierId(), r.dtype(),
            Double.isNaN(a.agents()) ? "-" : fmt(a.agents()), a.basis(), a.undefinedReason()));
        continue;
      }
      b.append(String.format(Locale.ROOT, "| %s | %s | **%s** [%s, %s] | %s | %s | %s s / %s s | %.1f%% | %s | %s | %s (%d tasks) |%n",
          r.tierId(), r.dtype(), fmt(a.agents()), fmt(a.agents()), Double.isNaN(a.brokenAgents()) ? "not shown" : fmt(a.brokenAgents()),
          a.basis(), fmt(a.tasksPerHour()), fmt(a.taskP50Seconds()), fmt(a.taskP95Seconds()), a.shareAllStepsMet() * 100,
          fmt(a.requestsPerSecond()), money(a.costPerTask()), a.probe(), a.tasks()));
    }
    var first = rows.get(0).agents();
    b.append(String.format(Locale.ROOT, "%nTasks of %d steps, think %s s; task objectives: %s. %s. Cost per completed task = tier"
        + " price per hour (%s) / tasks per hour; every figure is %s (the search's basis).%n%n", first.stepsPerTask(),
        fmt(first.thinkSeconds()), first.taskObjectives().isEmpty() ? "none" : String.join(", ", first.taskObjectives()),
        dev.capkit.planner.search.AgentsPerReplica.METHOD, cur, first.basis()));
    return b.toString();
  }

  public static String render(PlanResult plan) {
    StringBuilder b = new StringBuilder();
    b.append("**").append(plan.basis().line()).append("**\n\n");
    b.append("# Capacity plan: ").append(plan.scenario()).append("\n\n");
    b.append(String.format(Locale.ROOT, "Target **%s requests/s**, objectives %s (from %s), headroom %.0f%% per replica, N+1.%n",
        fmt(plan.targetQps()), plan.slos().stream().map(Object::toString).collect(Collectors.joining(", ")), plan.sloSource(),
        plan.headroom() * 100));
    b.append("Runs: ").append(String.join(", ", plan.runs())).append(". Generated ").append(plan.generatedAt()).append(".\n\n");
    b.append("**Recommendation:** ").append(plan.recommendation()).append("\n\n");
    b.append(tierTable(plan)).append('\n');
    b.append(agentsSection(plan));
    b.append("Energy and cost per output token (J per output token is predicted by a power model, never measured):\n\n");
    for (int i = 0; i < Math.min(plan.rows().size(), plan.tokenEconomics().size()); i++) {
      dev.capkit.planner.capacity.TokenEconomics t = plan.tokenEconomics().get(i);
      b.append("- ").append(t.tierId()).append(' ').append(t.dtype()).append(": ")
          .append(t.undefinedReason() == null ? t.basis() : (t.basis() == null ? "" : t.basis() + "; ") + t.undefinedReason()).append('\n');
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "Prices: %s, %s, currency %s (%s); edit tiers.json and pass --catalog DIR to use your own.%n",
        plan.prices().source(), plan.prices().date(), plan.prices().currency(), plan.prices().file()));
    b.append("Calibration of predicted rows: ").append(plan.calibration().note()).append(".\n\n");
    b.append("How to read it: *measured* rows come from runs against a real server; *emulated* rows from runs against capkit's"
        + " emulator over HTTP (its timing is the twin's model, not a measurement); *predicted* rows from the twin's virtual-time"
        + " engine (the same continuous-batching and roofline model), multiplied by the calibration factor when it is applied"
        + " (see above). The sustainable"
        + " rate is where the first objective is crossed on the ladder, interpolated between steps; the interval is a 95%"
        + " bootstrap over the ladder's requests. Replicas = ceil(target / (sustainable x (1 - headroom))) + 1.\n\n");
    if (plan.pod() != null) {
      b.append("## Container resources (recommended tier; CPU and memory ").append(switch (plan.pod().cpuMemoryBasis()) {
        case PodResources.MEASURED -> "measured";
        case PodResources.MODELLED -> "MODELLED from the emulator's samples, not measured";
        default -> "NOT measured: sized to the node";
      }).append(")\n\n");
      PodResources p = plan.pod();
      b.append(String.format(Locale.ROOT, "| resource | request | limit |%n|---|---:|---:|%n| cpu | %.2f cores | %s |%n"
              + "| memory | %.2f GiB | %.2f GiB |%n| nvidia.com/gpu | %d | %d |%n| /dev/shm (emptyDir, Memory) | | %.0f GiB |%n%n",
          p.cpuRequest(), Double.isNaN(p.cpuLimit()) ? "none" : String.format(Locale.ROOT, "%.2f cores", p.cpuLimit()),
          p.memoryRequest() / (1L << 30), p.memoryLimit() / (1L << 30), p.gpus(), p.gpus(), p.shmBytes() / (1L << 30)));
      for (String line : p.basis()) {
        b.append("- ").append(line).append('\n');
      }
      for (ContainerSizing s : p.strategies()) {
        b.append(String.format(Locale.ROOT, "- strategy %s (%s): %s%n", s.strategy(), s.rule(), s.defined()
            ? String.format(Locale.ROOT, "cpu request %.3f cores%s, memory request %.2f GiB, limit %.2f GiB", s.cpuRequest(),
                Double.isNaN(s.cpuLower()) ? "" : String.format(Locale.ROOT, " (bounds %.3f..%.3f)", s.cpuLower(), s.cpuUpper()),
                s.memoryRequest() / (1L << 30), s.memoryLimit() / (1L << 30))
            : s.undefinedReason()));
      }
      b.append("- the seed article's 128Mi/100m requests (256Mi/200m limits) would not hold the weights while loading.\n\n");
    }
    b.append("## Per tier\n\n");
    for (TierRecommendation r : plan.rows()) {
      b.append("### ").append(r.tierId()).append(' ').append(r.dtype()).append(" (").append(r.basis().key()).append(")\n\n");
      b.append("- sources: ").append(String.join("; ", r.sources())).append('\n');
      if (r.steps() > 0) {
        b.append(String.format(Locale.ROOT, "- ladder: %d steps, %s..%s req/s%n", r.steps(), fmt(r.minRate()), fmt(r.maxRate())));
      }
      b.append("- sustainable: ").append(r.sustainable().defined() ? rate(r.sustainable()) + " req/s, bound by "
          + r.sustainable().binding() : r.sustainable().undefinedReason()).append('\n');
      for (SloCrossing c : r.sustainable().crossings()) {
        b.append("  - ").append(c.slo()).append(": ").append(c.defined()
            ? String.format(Locale.ROOT, "crossed at %s req/s [%s, %s]", fmt(c.rate()), bound(c.low()), bound(c.high()))
            : c.undefinedReason()).append(c.note() == null ? "" : " (" + c.note() + ")").append('\n');
      }
      b.append("- knee (Kneedle, S=").append(fmt(r.knee().sensitivity())).append("): ").append(r.knee().defined()
          ? String.format(Locale.ROOT, "%s req/s (%s %.0f ms)", fmt(r.knee().rate()), r.knee().metric(), r.knee().latencyMs())
          : r.knee().undefinedReason()).append('\n');
      b.append("- USL: ").append(r.usl().defined() ? String.format(Locale.ROOT,
          "lambda %.3g/s, sigma %.3g, kappa %.3g, R^2 %.3f, peak %s req/s at %s in flight", r.usl().lambda(), r.usl().sigma(),
          r.usl().kappa(), r.usl().rSquared(), fmt(r.usl().peakThroughput()), fmt(r.usl().peakConcurrency()))
          : r.usl().undefinedReason()).append('\n');
      if (!r.vram().judged()) {
        b.append("- VRAM: ").append(r.vram().reason()).append('\n');
      } else {
        b.append(String.format(Locale.ROOT, "- VRAM: usable %.1f GiB = weights %.1f + non-KV %.1f + KV room %.1f GiB (%,d tokens); load needs %s%n",
            r.vram().usableGib(), r.vram().weightsGib(), r.vram().nonKvGib(), r.vram().kvRoomGib(), r.vram().kvRoomTokens(),
            Double.isNaN(r.vram().kvNeededGib()) ? "unknown (no rate to size for)" : String.format(Locale.ROOT,
                "%.1f in flight x %,.0f tokens = %.2f GiB KV", r.vram().concurrency(), r.vram().tokensPerSequence(), r.vram().kvNeededGib())));
        if (!r.feasible()) {
          b.append("- **does not fit**: ").append(r.vram().reason()).append(r.vram().dtypesThatFit().isEmpty() ? "; no dtype fits"
              : "; would fit: " + String.join(", ", r.vram().dtypesThatFit())).append('\n');
        }
      }
      b.append("- replicas: ").append(r.replicas().defined() ? String.format(Locale.ROOT, "%d (+1) at %s req/s each; Erlang C: %s",
          r.replicas().base(), fmt(r.replicas().perReplicaRate()), r.replicas().erlangNote()) : r.replicas().undefinedReason()).append('\n');
      if (r.notRankedReason() != null) {
        b.append("- not ranked: ").append(r.notRankedReason()).append('\n');
      }
      b.append('\n');
    }
    b.append("## The seed article's tier claims\n\n");
    b.append("The seed article claims gn6i (T4 16 GB) \"50 QPS\", gn7 (32 GB) \"200 QPS\", gn7 (80 GB) \"500+ QPS\". For this"
        + " workload the table above gives the per-replica rates from its rows (each says its basis) instead.\n\n");
    List<String> warnings = plan.warnings();
    if (!warnings.isEmpty()) {
      b.append("## Warnings\n\n");
      warnings.forEach(w -> b.append("- ").append(w).append('\n'));
    }
    return b.toString();
  }

  static String rate(SustainableRate s) {
    if (!s.defined()) {
      return Double.isNaN(s.atLeast()) ? "undefined" : ">= " + fmt(s.atLeast()) + " (never crossed)";
    }
    return String.format(Locale.ROOT, "%s [%s, %s]", fmt(s.rate()), bound(s.low()), bound(s.high()));
  }

  private static String bound(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "beyond ladder" : "below first step";
    }
    return fmt(v);
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    return String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
  }

  private static String money(double v) {
    return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String shorten(String reason) {
    if (reason == null) {
      return "";
    }
    int cut = reason.indexOf(" (gpu_memory_utilization");
    int advice = reason.indexOf("; or ");
    String head = cut > 0 ? reason.substring(0, cut) : reason;
    if (advice > 0 && cut > 0 && advice > cut) {
      head += reason.substring(advice); // which vLLM knob makes it start, and what it costs
    }
    return head.replace("|", "/");
  }
}
