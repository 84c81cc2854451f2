package dev.capkit.planner;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a whole plan rests on, said in its first line: {@code measured} (every run hit a real
 * server), {@code emulated} (every run was answered by capkit's emulator: no figure is measured),
 * {@code mixed}, or {@code predicted} (no run: virtual time only).
 *
 * <pre>{@code
 * PlanBasis b = PlanBasis.of(ladders, rows);
 * b.key();    // "emulated"
 * b.line();   // "EMULATED PLAN: built only on runs against capkit's emulator ..."
 * }</pre>
 */
public record PlanBasis(String key, String line) {

  public static PlanBasis of(List<TierLadder> fromRuns, List<TierRecommendation> rows) {
    Set<Basis> runs = EnumSet.noneOf(Basis.class);
    fromRuns.forEach(l -> runs.add(l.basis()));
    boolean predicted = rows.stream().anyMatch(r -> r.basis() == Basis.PREDICTED);
    String predictedPart = predicted ? "; predicted rows come from the twin's model in virtual time" : "";
    if (runs.contains(Basis.MEASURED) && runs.contains(Basis.EMULATED)) {
      return new PlanBasis("mixed", "MIXED PLAN: rows marked measured come from runs against a real server, rows marked emulated"
          + " from runs against capkit's emulator (its timing is a model, not a measurement)" + predictedPart + ".");
    }
    if (runs.contains(Basis.MEASURED)) {
      return new PlanBasis("measured", "Measured plan: the runs were answered by a real server (rows marked measured)"
          + predictedPart + ".");
    }
    if (runs.contains(Basis.EMULATED)) {
      return new PlanBasis("emulated", "EMULATED PLAN: built only on runs against capkit's emulator (physics profile: timing from"
          + " the twin's model, served over HTTP); no figure in it is measured on a real server" + predictedPart
          + ". Run against a real endpoint (-Dcapkit.target=URL) before buying anything.");
    }
    return new PlanBasis("predicted", "PREDICTED PLAN: no run behind it; every row is the twin's model in virtual time.");
  }
}
