package dev.capkit.core.scenario;

import dev.capkit.core.search.TaskObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code load.taskObjectives} of a closed-loop scenario: objectives on whole phone-agent tasks.
 * <pre>
 * "taskObjectives": { "task.p95": "90s", "task.allStepsMet": "95%" }
 * </pre>
 * {@code task.p<N>}: task completion time (think times included) at percentile N under the duration;
 * {@code task.allStepsMet}: at least this share of tasks has every step within every step objective.
 * Absent: no task objectives (tasks are still counted and reported).
 */
final class TaskObjectiveFields {
  private static final Pattern TIME = Pattern.compile("task\\.p(\\d+(?:\\.\\d+)?)");

  private TaskObjectiveFields() {}

  static List<TaskObjective> read(JsonFields load) {
    if (!load.has("taskObjectives")) {
      return List.of();
    }
    JsonFields t = load.object("taskObjectives");
    List<TaskObjective> out = new ArrayList<>();
    for (var it = t.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (key.equals(TaskObjective.ALL_STEPS_MET)) {
        double share = ScenarioLoader.percent(t.source(), t.field(key), t.string(key, null));
        if (!(share > 0 && share < 1)) {
          throw t.error(key, "'" + t.string(key, null) + "' must be above 0% and below 100%");
        }
        out.add(TaskObjective.allStepsMet(share));
        continue;
      }
      Matcher m = TIME.matcher(key);
      if (!m.matches()) {
        throw t.error(key, "'" + key + "' is not a task objective (use task.p<percentile>, e.g. task.p95: \"90s\", or "
            + TaskObjective.ALL_STEPS_MET + ": \"95%\")");
      }
      double p = Double.parseDouble(m.group(1));
      if (!(p > 0 && p < 100)) {
        throw t.error(key, "percentile " + m.group(1) + " must be between 0 and 100");
      }
      java.time.Duration limit = t.duration(key, null);
      if (limit.isZero()) {
        throw t.error(key, "a completion-time limit must be positive");
      }
      out.add(TaskObjective.time(p, limit));
    }
    t.rejectUnknown();
    return out;
  }
}
