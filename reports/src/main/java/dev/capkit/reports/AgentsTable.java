package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Agents per replica as plan.json (format v3) holds them for rows planned from an agents search:
 * agents per replica with the search's interval, tasks per hour, task completion time, the share of
 * tasks with every step met, cost per completed task, and each figure's basis. Every number cell
 * names its plan.json field; empty when no row has agents (every v1/v2 plan).
 */
final class AgentsTable {
  private AgentsTable() {}

  static String html(PlanDocument plan) {
    String cur = plan.currency();
    StringBuilder rows = new StringBuilder();
    int i = 0;
    StringBuilder notes = new StringBuilder();
    for (JsonNode t : plan.tiers()) {
      String f = "tiers[" + i++ + "].agents.";
      JsonNode a = t.path("agents");
      if (a.isMissingNode() || a.isNull()) {
        continue;
      }
      rows.append("<tr data-tier=\"").append(Html.esc(t.path("tier").asText())).append("\">")
          .append(Html.td(t.path("tier").asText())).append(Html.td(t.path("dtype").asText()))
          .append(Html.td(PlanDocument.text(a, "basis", "unrecorded")))
          .append(Html.num(PlanDocument.number(a, "agentsPerReplica"), f + "agentsPerReplica"))
          .append(Html.num(PlanDocument.number(a, "brokenAgents"), f + "brokenAgents"))
          .append(Html.num(PlanDocument.number(a, "tasksPerHour"), f + "tasksPerHour"))
          .append(Html.num(PlanDocument.number(a, "taskP50Seconds"), f + "taskP50Seconds"))
          .append(Html.num(PlanDocument.number(a, "taskP95Seconds"), f + "taskP95Seconds"))
          .append(Html.num(PlanDocument.number(a, "shareAllStepsMet"), f + "shareAllStepsMet"))
          .append(Html.num(PlanDocument.number(a, "requestsPerSecond"), f + "requestsPerSecond"))
          .append(Html.num(PlanDocument.number(a, "costPerCompletedTask"), f + "costPerCompletedTask"))
          .append(Html.td(PlanDocument.text(a, "probe", "-"))).append("</tr>");
      String why = PlanDocument.text(a, "undefinedReason", null);
      notes.append("<li><b>").append(Html.esc(t.path("tier").asText())).append("</b>: tasks of ")
          .append(a.path("stepsPerTask").asInt()).append(" steps, think ").append(Html.esc(a.path("thinkSeconds").asText()))
          .append(" s; task objectives: ").append(Html.esc(a.path("taskObjectives").isEmpty() ? "none" : join(a.path("taskObjectives"))))
          .append(why == null ? "" : "; " + Html.esc(why)).append("</li>");
    }
    if (rows.length() == 0) {
      return "";
    }
    StringBuilder b = new StringBuilder("<h2 id=\"agents\">Agents per replica</h2><table class=\"tiers\" id=\"agents-table\"><thead><tr>");
    for (String h : List.of("tier", "dtype", "basis", "agents per replica (shown to hold)", "agents shown broken", "tasks/h per replica",
        "task time p50 (s)", "task time p95 (s)", "share of tasks with every step met", "model calls/s per replica",
        "cost per completed task (" + cur + ")", "from probe")) {
      b.append(Html.th(h));
    }
    b.append("</tr></thead><tbody>").append(rows).append("</tbody></table><ul class=\"note\">").append(notes).append("</ul>");
    return b.toString();
  }

  private static String join(JsonNode list) {
    StringBuilder s = new StringBuilder();
    list.forEach(n -> s.append(s.length() == 0 ? "" : ", ").append(n.asText()));
    return s.toString();
  }
}
