package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The planner's tier table as plan.json holds it, ranked rows first: every number cell names its
 * plan.json field in {@code data-field} and carries the file's value in {@code data-value}.
 */
final class TierTable {
  private TierTable() {}

  static String html(PlanDocument plan) {
    String cur = plan.currency();
    StringBuilder b = new StringBuilder();
    JsonNode root = plan.root();
    b.append("<p class=\"basis\" id=\"plan-basis\" data-basis=\"").append(Html.esc(PlanDocument.text(root, "basis", "unrecorded")))
        .append("\"><b>").append(Html.esc(plan.basisLine())).append("</b></p>");
    b.append("<p class=\"recommendation\" id=\"recommendation\">").append(Html.esc(PlanDocument.text(root, "recommendation",
        "plan.json has no recommendation"))).append("</p>");
    JsonNode in = root.path("inputs");
    b.append("<table class=\"kv plan-inputs\"><tbody>");
    b.append("<tr><th>target load</th>").append(Html.num(PlanDocument.number(in, "targetQps"), "inputs.targetQps"))
        .append("<td>req/s</td></tr>");
    b.append("<tr><th>headroom</th>").append(Html.num(PlanDocument.number(in, "headroom"), "inputs.headroom"))
        .append("<td>share of the sustainable rate kept free</td></tr>");
    StringBuilder slos = new StringBuilder();
    for (JsonNode s : in.path("slos")) {
      slos.append(slos.length() == 0 ? "" : ", ").append(s.path("key").asText()).append(" ≤ ").append(s.path("limit").asText());
    }
    b.append("<tr><th>objectives</th><td colspan=\"2\">").append(Html.esc(slos + " (" + PlanDocument.text(in, "sloSource", "source not stated") + ")"))
        .append("</td></tr>");
    JsonNode prices = in.path("prices");
    b.append("<tr><th>prices</th><td colspan=\"2\">").append(Html.esc(PlanDocument.text(prices, "source", "source not stated") + ", "
        + PlanDocument.text(prices, "date", "date not stated") + ", currency " + cur)).append("</td></tr>");
    b.append("</tbody></table>");
    b.append("<table class=\"tiers\" id=\"tier-table\"><caption>Tiers (").append(Html.esc(plan.file().toString()))
        .append(")</caption><thead><tr>");
    for (String h : List.of("rank", "tier", "GPU", "VRAM (GiB)", "dtype", "basis", "fits", "sustainable (req/s per replica)",
        "95% CI low (req/s)", "95% CI high (req/s)", "knee (req/s)", "replicas (N+1)", "price (" + cur + "/h per replica)",
        "cost (" + cur + "/h)", "cost (" + cur + " per 1,000 requests)")) {
      b.append(Html.th(h));
    }
    b.append("</tr></thead><tbody>");
    int i = 0;
    for (JsonNode t : plan.tiers()) {
      String f = "tiers[" + i++ + "].";
      int rank = t.path("rank").asInt(0);
      JsonNode sus = t.path("sustainable");
      JsonNode rep = t.path("replicas");
      int replicas = rep.path("nPlusOne").asInt(-1);
      b.append("<tr class=\"").append(rank == 1 ? "recommended" : rank == 0 ? "unranked" : "ranked").append("\" data-tier=\"")
          .append(Html.esc(t.path("tier").asText())).append("\">")
          .append(rank == 0 ? "<td data-field=\"" + f + "rank\" data-value=\"0\">—</td>" : Html.num(rank, f + "rank"))
          .append(Html.td(t.path("tier").asText())).append(Html.td(t.path("gpus").asInt(1) + " × " + t.path("gpu").asText()))
          .append(Html.num(PlanDocument.number(t, "vramGib"), f + "vramGib")).append(Html.td(t.path("dtype").asText()))
          .append(Html.td(t.path("basis").asText())).append(Html.td(t.path("fits").asBoolean() ? "yes" : "no"))
          .append(Html.num(PlanDocument.number(sus, "qpsPerReplica"), f + "sustainable.qpsPerReplica"))
          .append(Html.num(PlanDocument.number(sus, "ciLow"), f + "sustainable.ciLow"))
          .append(Html.num(PlanDocument.number(sus, "ciHigh"), f + "sustainable.ciHigh"))
          .append(Html.num(PlanDocument.number(t.path("knee"), "rate"), f + "knee.rate"))
          .append(replicas < 0 ? "<td class=\"n\" data-field=\"" + f + "replicas.nPlusOne\" data-value=\"" + replicas + "\">n/a</td>"
              : Html.num(replicas, f + "replicas.nPlusOne"))
          .append(Html.num(PlanDocument.number(rep, "pricePerHour"), f + "replicas.pricePerHour"))
          .append(Html.num(PlanDocument.number(rep, "costPerHour"), f + "replicas.costPerHour"))
          .append(Html.num(PlanDocument.number(rep, "costPer1000Requests"), f + "replicas.costPer1000Requests"))
          .append("</tr>");
    }
    b.append("</tbody></table>");
    StringBuilder reasons = new StringBuilder();
    for (JsonNode t : plan.tiers()) {
      String why = firstNonNull(PlanDocument.text(t, "notRankedReason", null), PlanDocument.text(t.path("sustainable"), "undefinedReason", null),
          PlanDocument.text(t.path("replicas"), "undefinedReason", null), null);
      if (t.path("rank").asInt(0) == 0 && why != null) {
        reasons.append("<li><b>").append(Html.esc(t.path("tier").asText() + " " + t.path("dtype").asText())).append("</b>: ")
            .append(Html.esc(why)).append("</li>");
      }
    }
    if (reasons.length() > 0) {
      b.append("<p class=\"note\">Not ranked (plan.json notRankedReason, or the undefined reason of its figures):</p><ul class=\"unranked\">")
          .append(reasons).append("</ul>");
    }
    StringBuilder warnings = new StringBuilder();
    for (JsonNode w : root.path("warnings")) {
      warnings.append("<li>").append(Html.esc(w.asText())).append("</li>");
    }
    if (warnings.length() > 0) {
      b.append("<ul class=\"warn\">").append(warnings).append("</ul>");
    }
    return b.toString();
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return "";
  }
}
