package dev.capkit.reports;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.search.SearchLog;
import dev.capkit.core.search.SearchLogReader;
import dev.capkit.reports.chart.Series;
import dev.capkit.reports.chart.XyChart;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A capacity search's run drawn from its {@code search.json} (every figure from that file): the
 * answer with its interval, the probe sequence (offered rate against time since the search started,
 * one bar per probe's warm-up and measured window, coloured by what the probe showed), the bracket
 * narrowing probe by probe (the scouts' under/over and the confirmed held/broken ends), and the
 * probe table.
 */
final class SearchSection {
  static final String HOLDS = "#009E73";
  static final String BROKEN = "#D55E00";
  static final String UNDER = "#56B4E9";
  static final String OVER = "#E69F00";
  static final String UNDECIDED = "#777777";
  static final String WARMUP = "#cccccc";

  private SearchSection() {}

  /** The search of this run, if it was one; a damaged search.json is a problem to show, not a crash. */
  static Optional<SearchLog> read(RunData r, List<String> problems) {
    try {
      return SearchLogReader.readIfPresent(RunLayout.of(r.folder()).searchLog());
    } catch (IOException e) {
      problems.add("run " + r.id() + ": search.json unreadable: " + e.getMessage() + ": the search's probes are not drawn");
      return Optional.empty();
    }
  }

  static String html(RunData r, SearchLog log) {
    String unit = "agents".equals(log.unit()) ? "agents" : "req/s";
    StringBuilder b = new StringBuilder();
    b.append("<h3>Capacity search of run ").append(Html.esc(r.id())).append(" (").append(Html.esc(log.basis())).append(")</h3>");
    b.append("<p class=\"search-answer\" data-basis=\"").append(Html.esc(log.basis())).append("\">").append(Html.esc(answer(log, unit)))
        .append("</p>");
    b.append("<div class=\"pair\"><figure>").append(sequence(log, unit).render())
        .append("<figcaption>Probe sequence: each probe's unjudged warm-up (grey) and measured window (coloured by what it showed: scout")
        .append(" under/over, verdict holds/broken/undecided) at its offered rate, against seconds since the search started")
        .append(" (search.json probes[].startSeconds, warmupSeconds, windowSeconds, rate).</figcaption></figure><figure>")
        .append(bracket(log, unit).render())
        .append("<figcaption>Bracket narrowing: after each probe, the scouts' highest rate under and lowest rate over every objective,")
        .append(" and the interval ends confirmed by verdict probes at the stated confidence (search.json probes[].under, over, low,")
        .append(" high).</figcaption></figure></div>");
    b.append(table(log, unit));
    return b.toString();
  }

  static String answer(SearchLog log, String unit) {
    SearchLog.Answer a = log.answer();
    if (a == null) {
      return "The search had not finished when search.json was last written (" + log.probes().size() + " probes so far).";
    }
    String spent = String.format(Locale.ROOT, "%d probes, %s s of load (GPU time); stopped: %s", log.probes().size(),
        Figures.format(a.gpuSeconds()), a.stop());
    if (Double.isNaN(a.low()) || Double.isNaN(a.high())) {
      return String.format(Locale.ROOT, "Interval not closed (asked ±%s): %s; %s; %s.", Figures.percent(a.target()),
          Double.isNaN(a.low()) ? "no rate shown to hold" : "shown to hold up to " + Figures.format(a.low()) + " " + unit,
          Double.isNaN(a.high()) ? "no rate shown broken" : "shown broken from " + Figures.format(a.high()) + " " + unit, spent);
    }
    return String.format(Locale.ROOT, "Sustainable %s %s per replica, interval [%s, %s] (±%s%s, %s confidence: every objective"
        + " shown to hold at the low end and at least one shown broken at the high end); %s.", Figures.format(a.estimate()), unit,
        Figures.format(a.low()), Figures.format(a.high()), Figures.percent(a.precision()),
        a.met() ? "" : "; asked ±" + Figures.percent(a.target()), Figures.percent(a.confidence()), spent);
  }

  static XyChart sequence(SearchLog log, String unit) {
    XyChart c = new XyChart("search-probes", "time since the search started (s)", "offered load (" + unit + ")");
    List<Series.Point> path = new ArrayList<>();
    for (SearchLog.Probe p : log.probes()) {
      double w0 = p.startSeconds() + p.warmupSeconds();
      double half = p.rate() * 0.03;
      if (p.warmupSeconds() > 0) {
        c.rect(p.startSeconds(), w0, p.rate() - half, p.rate() + half, WARMUP, "probe-" + p.index() + "-warmup",
            "probe " + p.index() + " warm-up " + Figures.format(p.warmupSeconds()) + " s at " + Figures.format(p.rate()) + " " + unit);
      }
      c.rect(w0, w0 + Math.max(p.windowSeconds(), 1e-3), p.rate() - half, p.rate() + half, color(p), "probe-" + p.index(),
          String.format(Locale.ROOT, "probe %d (%s) %s %s: %d requests, %s%s", p.index(), p.phase(), Figures.format(p.rate()), unit,
              p.requests(), outcome(p), p.stoppedEarly() ? ", stopped early" : ""));
      path.add(new Series.Point(w0 + p.windowSeconds() / 2, p.rate()));
    }
    c.add(new Series("search/path", "probe order", "#999999", "2 3", path, false));
    c.legend("warm-up (not judged)", WARMUP).legend("scout under", UNDER).legend("scout over", OVER).legend("verdict holds", HOLDS)
        .legend("verdict broken", BROKEN).legend("verdict undecided", UNDECIDED);
    SearchLog.Answer a = log.answer();
    if (a != null) {
      c.hline(a.low(), "shown to hold: " + Figures.format(a.low()) + " " + unit, "search-low", HOLDS);
      c.hline(a.high(), "shown broken: " + Figures.format(a.high()) + " " + unit, "search-high", BROKEN);
    }
    return c.emptyText("the search ran no probe");
  }

  static XyChart bracket(SearchLog log, String unit) {
    XyChart c = new XyChart("search-bracket", "probe number", "offered load (" + unit + ")");
    List<Series.Point> under = new ArrayList<>();
    List<Series.Point> over = new ArrayList<>();
    List<Series.Point> low = new ArrayList<>();
    List<Series.Point> high = new ArrayList<>();
    for (SearchLog.Probe p : log.probes()) {
      under.add(new Series.Point(p.index(), p.under()));
      over.add(new Series.Point(p.index(), p.over()));
      low.add(new Series.Point(p.index(), p.low()));
      high.add(new Series.Point(p.index(), p.high()));
    }
    c.add(new Series("search/under", "scouts: highest rate under", UNDER, "6 3", under, true));
    c.add(new Series("search/over", "scouts: lowest rate over", OVER, "6 3", over, true));
    c.add(new Series("search/low", "confirmed: shown to hold", HOLDS, null, low, true));
    c.add(new Series("search/high", "confirmed: shown broken", BROKEN, null, high, true));
    return c.emptyText("no probe narrowed the bracket");
  }

  private static String table(SearchLog log, String unit) {
    StringBuilder t = new StringBuilder("<table class=\"search-probes\"><thead><tr>");
    boolean tasks = log.agents() != null;
    List<String> heads = new ArrayList<>(List.of("probe", "step", "phase", "rate (" + unit + ")", "window (s)", "requests", "over limit",
        "outcome", "load time (s)"));
    if (tasks) { // an agents search: the tasks started in each probe's window that finished
      heads.addAll(List.of("tasks finished", "task time p95 (s)", "tasks with every step met", "tasks/h"));
    }
    for (String h : heads) {
      t.append(Html.th(h));
    }
    t.append("</tr></thead><tbody>");
    for (SearchLog.Probe p : log.probes()) {
      List<String> v = new ArrayList<>();
      p.violations().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> v.add(e.getKey() + " " + e.getValue()));
      t.append("<tr data-probe=\"").append(p.index()).append("\">").append(Html.td(Integer.toString(p.index())))
          .append(Html.td(p.stepId() == null ? "-" : p.stepId())).append(Html.td(p.phase() + (p.look() > 1 ? " look " + p.look() : "")))
          .append(Html.num(p.rate(), "probes[" + p.index() + "].rate")).append(Html.num(p.windowSeconds()))
          .append(Html.num(p.requests())).append(Html.td(String.join(", ", v)))
          .append(Html.td(outcome(p) + (p.stoppedEarly() ? " (stopped early)" : ""))).append(Html.num(p.gpuSeconds()));
      if (tasks) {
        SearchLog.Tasks k = p.tasks();
        String f = "probes[" + p.index() + "].tasks.";
        t.append(k == null ? "<td>-</td><td>-</td><td>-</td><td>-</td>" : Html.num(k.finished(), f + "finished")
            + Html.num(k.p95Seconds(), f + "p95Seconds") + Html.num(k.shareAllStepsMet(), f + "shareAllStepsMet")
            + Html.num(k.tasksPerHour(), f + "tasksPerHour"));
      }
      t.append("</tr>");
    }
    return t.append("</tbody></table>").toString();
  }

  /** What a probe showed: a scout's direction, or a verdict probe's verdict. */
  static String outcome(SearchLog.Probe p) {
    if (p.phase().equals("scout")) {
      return p.reasons().contains("scout: over") ? "over" : "under";
    }
    return p.verdict();
  }

  private static String color(SearchLog.Probe p) {
    return switch (outcome(p)) {
      case "over" -> OVER;
      case "under" -> UNDER;
      case "holds" -> HOLDS;
      case "broken" -> BROKEN;
      default -> UNDECIDED;
    };
  }
}
