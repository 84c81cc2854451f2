package dev.capkit.reports;

import dev.capkit.core.results.SloVerdict;
import dev.capkit.core.results.StepSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The first thing on the page: for each run and objective, on how many steps it held and the first
 * step that broke it (offered load, measured value), all from the verdicts in run.json.
 */
final class VerdictSummary {
  private VerdictSummary() {}

  static String html(List<RunData> runs) {
    StringBuilder b = new StringBuilder();
    List<String> broken = new ArrayList<>();
    StringBuilder tables = new StringBuilder();
    for (RunData r : runs) {
      tables.append("<table class=\"verdicts\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>")
          .append(Html.esc(r.id())).append(" · tier ").append(Html.esc(r.tier())).append("</caption><thead><tr>")
          .append(Html.th("objective")).append(Html.th("limit")).append(Html.th("held on (steps)")).append(Html.th("verdict"))
          .append(Html.th("first broken at")).append("</tr></thead><tbody>");
      Map<String, Double> limits = Slos.limits(r.steps());
      if (limits.isEmpty()) {
        tables.append("<tr><td colspan=\"5\">no finished step, no verdict</td></tr>");
      }
      for (var e : limits.entrySet()) {
        int held = 0;
        int judged = 0;
        StepSummary firstBroken = null;
        SloVerdict firstBrokenVerdict = null;
        for (StepSummary s : r.steps()) {
          SloVerdict v = Slos.verdict(s, e.getKey());
          if (v == null) {
            continue;
          }
          judged++;
          if (v.met()) {
            held++;
          } else if (firstBroken == null) {
            firstBroken = s;
            firstBrokenVerdict = v;
          }
        }
        boolean ok = firstBroken == null;
        if (!ok) {
          broken.add(e.getKey() + " in " + r.id());
        }
        tables.append("<tr class=\"").append(ok ? "held" : "broken").append("\" data-slo=\"").append(Html.esc(e.getKey())).append("\">")
            .append(Html.td(e.getKey())).append(Html.td(Slos.limitText(e.getKey(), e.getValue())))
            .append(Html.td(held + " of " + judged)).append("<td class=\"verdict\">").append(ok ? "HELD" : "BROKEN").append("</td>")
            .append(Html.td(ok ? "—" : firstBroken.id() + " (offered " + Figures.format(firstBroken.offered()) + " " + unit(firstBroken)
                + "): " + Slos.valueText(e.getKey(), firstBrokenVerdict.actual())))
            .append("</tr>");
      }
      tables.append("</tbody></table>");
      if (r.run().manifest().scenario() != null && !r.run().manifest().scenario().failBuild()) {
        tables.append("<p class=\"note\">Scenario ").append(Html.esc(r.scenario()))
            .append(" does not fail the build on a broken objective (failBuild false in run.json): it locates the load where objectives break.</p>");
      }
    }
    b.append("<div class=\"banner ").append(broken.isEmpty() ? "held" : "broken").append("\" id=\"verdict\">");
    if (broken.isEmpty()) {
      b.append("All objectives held on every finished step of ").append(runs.size()).append(" run(s).");
    } else {
      b.append("Objectives broken: ").append(Html.esc(String.join("; ", broken))).append(".");
    }
    b.append("</div>").append(tables);
    return b.toString();
  }

  static String unit(StepSummary s) {
    return "agents".equals(s.unit()) ? "agents" : "req/s";
  }
}
