package dev.capkit.reports;

import dev.capkit.core.results.StepSummary;
import dev.capkit.reports.chart.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** One line per run and network profile over offered load: the shape every "versus offered load" chart shares. */
final class LoadCurves {
  private LoadCurves() {}

  /** A run's steps under one network profile, in order of offered load. */
  record Curve(RunData run, String network, List<StepSummary> steps, boolean splitByNetwork) {
    String label() {
      return run.tier() + " · " + run.id() + (splitByNetwork ? " · network " + network : "");
    }

    String key() {
      return run.id() + (splitByNetwork ? "/" + network : "");
    }

    List<Series.Point> points(ToDoubleFunction<StepSummary> y) {
      List<Series.Point> out = new ArrayList<>();
      for (StepSummary s : steps) {
        out.add(new Series.Point(s.offered(), y.applyAsDouble(s)));
      }
      return out;
    }
  }

  static List<Curve> of(List<RunData> runs) {
    List<Curve> out = new ArrayList<>();
    for (RunData r : runs) {
      List<String> networks = r.networks();
      for (String n : networks) {
        List<StepSummary> steps = r.steps().stream().filter(s -> n.equals(s.network()))
            .sorted(Comparator.comparingDouble(StepSummary::offered)).toList();
        out.add(new Curve(r, n, steps, networks.size() > 1));
      }
    }
    return out;
  }
}
