package dev.capkit.planner.search;

import dev.capkit.core.search.SearchLog;
import java.util.List;
import java.util.Locale;

/**
 * The plan of a closed-loop (agents) capacity search, per replica: the most concurrent phone agents
 * shown to meet every step and task objective, the interval the search confirmed, and what those agents
 * get done: completed tasks per hour, task completion time, the share of tasks whose every step met its
 * objectives, and the cost of one completed task at the tier's price.
 *
 * <p>Figures at the held end come from the probe at that agent count holding the most finished tasks
 * (the verdict probe that showed it holds): tasks per hour = its finished tasks (started in its
 * window) / its window x 3600; requests per second = its window's steps / its window; cost per
 * completed task = tier price per hour / tasks per hour.
 *
 * <pre>{@code
 * AgentsPerReplica a = AgentsPerReplica.of(searchLog, 34.74);
 * a.agents(); a.tasksPerHour(); a.costPerTask();
 * }</pre>
 *
 * @param agents          agents per replica: the highest agent count shown to hold (NaN: none was)
 * @param brokenAgents    the lowest agent count shown broken (NaN: none was; the interval is then open)
 * @param basis           what answered the probes: measured, emulated or predicted
 * @param stepsPerTask    model calls per task
 * @param thinkSeconds    think time after each answer
 * @param taskObjectives  the task objectives judged, as written
 * @param probe           the step id of the probe the figures come from
 * @param tasks           finished tasks in that probe
 * @param taskP50Seconds  task completion time, median (think times included)
 * @param taskP95Seconds  task completion time, 95th percentile
 * @param shareAllStepsMet share of tasks with every step within every step objective
 * @param tasksPerHour    completed tasks per hour per replica
 * @param requestsPerSecond model calls per second per replica at that agent count
 * @param pricePerHour    the tier's price per hour (catalog), one replica
 * @param costPerTask     pricePerHour / tasksPerHour
 * @param undefinedReason why there is no agents figure, or null
 */
public record AgentsPerReplica(double agents, double brokenAgents, String basis, int stepsPerTask, double thinkSeconds,
    List<String> taskObjectives, String probe, long tasks, double taskP50Seconds, double taskP95Seconds, double shareAllStepsMet,
    double tasksPerHour, double requestsPerSecond, double pricePerHour, double costPerTask, String undefinedReason) {

  public static final String METHOD = "agents search (search.json): agents per replica = the most agents shown to hold every step"
      + " and task objective (binomial verdicts); tasks/h, task time and share of tasks with every step met from the held end's"
      + " verdict probe (tasks started in its window that finished); cost per completed task = tier price per hour / tasks per hour";

  public AgentsPerReplica {
    taskObjectives = List.copyOf(taskObjectives);
  }

  /** The agents plan of a closed-loop search; null when {@code log} is not one (open loop). */
  public static AgentsPerReplica of(SearchLog log, double pricePerHour) {
    if (!"agents".equals(log.unit())) {
      return null;
    }
    SearchLog.Agents a = log.agents();
    int steps = a == null ? 0 : a.stepsPerTask();
    double think = a == null ? Double.NaN : a.thinkSeconds();
    List<String> objectives = a == null ? List.of() : a.taskObjectives();
    SearchLog.Answer answer = log.answer();
    double held = answer == null ? Double.NaN : answer.low();
    double broken = answer == null ? Double.NaN : answer.high();
    if (Double.isNaN(held)) {
      String why = answer == null ? "undefined, because the agents search did not finish (search.json has no answer)"
          : "undefined, because the agents search showed no agent count to hold (stopped: " + answer.stop() + ")";
      return new AgentsPerReplica(Double.NaN, broken, log.basis(), steps, think, objectives, null, 0, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, pricePerHour, Double.NaN, why);
    }
    SearchLog.Probe best = null;
    for (SearchLog.Probe p : log.probes()) {
      if (p.rate() == held && p.tasks() != null && (best == null || p.tasks().finished() > best.tasks().finished())) {
        best = p;
      }
    }
    if (best == null || best.tasks().finished() == 0) {
      return new AgentsPerReplica(held, broken, log.basis(), steps, think, objectives, best == null ? null : best.stepId(), 0,
          Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, pricePerHour, Double.NaN, String.format(Locale.ROOT,
              "undefined, because no probe at %.0f agents recorded a finished task (search.json format 1 has no tasks)", held));
    }
    SearchLog.Tasks t = best.tasks();
    double perSecond = best.windowSeconds() > 0 ? best.requests() / best.windowSeconds() : Double.NaN;
    double cost = t.tasksPerHour() > 0 ? pricePerHour / t.tasksPerHour() : Double.NaN;
    return new AgentsPerReplica(held, broken, log.basis(), steps, think, objectives, best.stepId(), t.finished(), t.p50Seconds(),
        t.p95Seconds(), t.shareAllStepsMet(), t.tasksPerHour(), perSecond, pricePerHour, cost, null);
  }

  public boolean defined() {
    return undefinedReason == null;
  }
}
