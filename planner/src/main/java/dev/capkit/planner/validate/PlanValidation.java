package dev.capkit.planner.validate;

import dev.capkit.core.results.RunReader;
import dev.capkit.planner.LadderPoint;
import dev.capkit.planner.LadderReader;
import dev.capkit.planner.PlanException;
import dev.capkit.planner.SloTarget;
import dev.capkit.planner.TierLadder;
import dev.capkit.twin.catalog.Catalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Did a plan's promise hold? A validation run offers one replica the plan's per-replica rate for a
 * sustained period; each of the plan's objectives is judged on that run exactly as the planner judged
 * the ladder it planned from ({@link LadderReader}: the same histograms, the coordinated-omission
 * corrected E2E/TTFT for open loop), and compared with its limit.
 *
 * <pre>{@code
 * PlanValidation v = PlanValidation.judge(PlanPromise.read(plan, null), runFolder, Catalog.load(null));
 * System.out.print(v.render());
 * System.exit(v.held() ? 0 : 1);
 * }</pre>
 *
 * @param promise   what the plan promised
 * @param run       the validation run folder
 * @param basis     the run's basis ({@code measured} or {@code emulated})
 * @param step      the judged step ({@code <run id>/<step id>})
 * @param offered   offered requests/s of that step
 * @param achieved  successful completions per second
 * @param duration  the step's measured window, seconds
 * @param sent      requests of the step
 * @param ok        of those, successful
 * @param checks    one per objective, in the plan's order
 * @param notes     caveats: a rate that is not the plan's, a run that was not open-loop
 */
public record PlanValidation(PlanPromise promise, Path run, String basis, String step, double offered, double achieved, double duration,
    long sent, long ok, List<ObjectiveCheck> checks, List<String> notes) {

  /** Relative difference between the run's offered rate and the plan's per-replica rate that is still "the plan's rate". */
  static final double RATE_TOLERANCE = 0.05;

  /** True when every objective held. */
  public boolean held() {
    return checks.stream().allMatch(ObjectiveCheck::held);
  }

  /** Judges the step of {@code run} nearest the promised per-replica rate. */
  public static PlanValidation judge(PlanPromise promise, Path run, Catalog catalog) {
    LadderReader.Result read = LadderReader.read(List.of(run), catalog, promise.dtype(), promise.objectives());
    RunReader.Run r = read.runs().get(0);
    if (read.ladders().isEmpty() || read.ladders().get(0).points().isEmpty()) {
      throw new PlanException(run.resolve("run.json") + ": field 'steps': no finished step to judge");
    }
    TierLadder ladder = read.ladders().get(0);
    LadderPoint p = ladder.points().stream()
        .min((a, b) -> Double.compare(Math.abs(a.offered() - promise.perReplicaQps()), Math.abs(b.offered() - promise.perReplicaQps())))
        .orElseThrow();
    List<String> notes = new ArrayList<>();
    if (!"open".equals(ladder.loadModel())) {
      notes.add("the run is closed-loop: its rate is what the server let through, not the plan's offered rate");
    }
    if (Math.abs(p.offered() - promise.perReplicaQps()) > RATE_TOLERANCE * promise.perReplicaQps()) {
      notes.add(String.format(Locale.ROOT, "the judged step offered %.4g req/s, not the plan's per-replica %.4g req/s: this is not a"
          + " validation of the plan's rate", p.offered(), promise.perReplicaQps()));
    }
    if (!ladder.tierId().equals(promise.tier())) {
      notes.add("the run is labelled tier '" + ladder.tierId() + "', the plan's row is '" + promise.tier() + "'");
    }
    List<ObjectiveCheck> checks = new ArrayList<>();
    for (SloTarget o : promise.objectives()) {
      checks.add(new ObjectiveCheck(o, p.value(o), p.sent(), caveat(o, p)));
    }
    return new PlanValidation(promise, run, r.manifest().target().basis(), p.source(), p.offered(), p.achievedQps(), p.durationSeconds(),
        p.sent(), p.ok(), List.copyOf(checks), List.copyOf(notes));
  }

  /** A p-th percentile of fewer than 100 / (100 - p) requests is the sample maximum: a held verdict then says little. */
  private static String caveat(SloTarget o, LadderPoint p) {
    if (o.isErrors()) {
      return p.sent() > 0 && o.limit() > 0 && p.sent() < 1 / o.limit()
          ? String.format(Locale.ROOT, "%d requests cannot show an error share below %.2g%%", p.sent(), 100.0 / p.sent()) : null;
    }
    double needed = 100 / (100 - o.percentile());
    return p.ok() < needed ? String.format(Locale.ROOT, "p%s of %d requests is the sample maximum (a p%s needs %.0f+)",
        trim(o.percentile()), p.ok(), trim(o.percentile()), needed) : null;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The verdict table and lines, as {@code ./capkit validate} prints them. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "plan %s: tier %s %s (%s row), per-replica rate %.4g req/s (target %.4g req/s, headroom %.0f%%);"
            + " sustainable %s%.4g req/s%n", promise.file(), promise.tier(), promise.dtype(), promise.rowBasis(), promise.perReplicaQps(),
        promise.targetQps(), promise.headroom() * 100, promise.sustainableLowerBound() ? "at least " : "", promise.sustainableQps()));
    b.append(String.format(Locale.ROOT, "run %s (%s): step %s offered %.4g req/s for %.0f s, %d sent, %d ok, achieved %.4g req/s%n",
        run, basis, step, offered, duration, sent, ok, achieved));
    b.append("| objective | limit | run figure (").append(basis).append(") | verdict | note |\n|---|---:|---:|---|---|\n");
    for (ObjectiveCheck c : checks) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", c.objective().key(), c.objective().limitText(), c.measuredText(),
          c.verdictText(), c.note() == null ? "" : c.note()));
    }
    notes.forEach(n -> b.append("note: ").append(n).append('\n'));
    long missed = checks.stream().filter(c -> !c.held()).count();
    b.append(missed == 0 ? "validate: the plan's promise HELD: every objective met at the plan's per-replica rate"
        : "validate: the plan's promise was MISSED: " + missed + " of " + checks.size() + " objective(s) broken at the plan's per-replica rate")
        .append('\n');
    return b.toString();
  }
}
