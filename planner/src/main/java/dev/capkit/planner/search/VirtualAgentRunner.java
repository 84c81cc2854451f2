package dev.capkit.planner.search;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.search.DesignEffect;
import dev.capkit.core.search.ObjectiveCheck;
import dev.capkit.core.search.ProbePlan;
import dev.capkit.core.search.ProbeRunner;
import dev.capkit.core.search.TaskOutcome;
import dev.capkit.core.search.TaskTally;
import dev.capkit.twin.Profile;
import dev.capkit.twin.PromptAdmission;
import dev.capkit.twin.ServingPlan;
import dev.capkit.twin.engine.ContinuousBatchingEngine;
import dev.capkit.twin.engine.Emission;
import dev.capkit.twin.engine.EngineStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Closed-loop phone agents on the twin in virtual time (basis: predicted), as Open-AutoGLM runs them:
 * each of N agents works through tasks of {@code stepsPerTask} model calls, sending a step, waiting for
 * the whole streamed answer, then {@code thinkSeconds} (the action and the wait after it) before the
 * next step. A step's prompt is the one capkit sends ({@link AgentPrompt}: the shared system prompt, the
 * session's conversation so far, cacheable as a prefix, and the newest 1080x2400 screenshot). Agents
 * start staggered over one think time; each task is a new session.
 *
 * <p>As a {@link ProbeRunner} the probe's rate is the number of agents: after the warm-up (not judged)
 * the measured window runs until it has sent the probe's planned requests (closed loop sets no rate,
 * so the window's length follows from how fast the agents go, capped at three times the planned seconds),
 * and stops early once an objective's violations reach the probe's break threshold (a request in
 * flight past an E2E limit, or past a TTFT limit before its first token, counts from the moment it is
 * overdue). Load time is from the first
 * send to the last answer.
 *
 * @param prompt the steps' prompt ({@link AgentPrompt#openAutoGlm} for the scenario's language)
 */
public record VirtualAgentRunner(ServingPlan plan, List<ObjectiveCheck> checks, double thinkSeconds, int stepsPerTask,
    AgentPrompt prompt, long seed) implements ProbeRunner {

  /** A closed-loop window ends when full, at the latest after this many times its planned seconds. */
  public static final double WINDOW_CAP = 3;

  /** One model call of an agent's task. */
  private static final class Step {
    final int agent;
    final long task;
    final int turn;
    final double sent;
    final boolean judged;
    PromptAdmission.Admitted admitted;
    double ready;
    int cached;
    double first = -1;
    double previous;
    double last = -1;
    long[] itl;

    Step(int agent, long task, int turn, double sent, boolean judged) {
      this.agent = agent;
      this.task = task;
      this.turn = turn;
      this.sent = sent;
      this.judged = judged;
    }
  }

  /**
   * What a run of N agents did: the probe's counts, the judged steps' figures and the tasks of the
   * window ({@link TaskTally}: the same percentile rule and tasks per hour as a real run's probes).
   */
  public record AgentRun(long requests, Map<String, Long> violations, double loadSeconds, boolean stoppedEarly,
      double windowSeconds, TaskTally tasks, StepFigures steps, double meanResponseSeconds, double designEffect) {}

  /**
   * The judged steps of a run: TTFT and E2E percentiles (nearest rank, as {@link TaskTally}), mean
   * prompt tokens and the mean of them served from the prefix cache, steps per second of window.
   */
  public record StepFigures(int steps, double ttftP50, double ttftP99, double e2eP50, double e2eP99, double meanPromptTokens,
      double meanCachedTokens, double stepsPerSecond) {
    static StepFigures of(List<Step> judged, double windowSeconds) {
      double[] ttft = judged.stream().mapToDouble(s -> s.first).sorted().toArray();
      double[] e2e = judged.stream().mapToDouble(s -> s.last).sorted().toArray();
      return new StepFigures(judged.size(), at(ttft, 0.5), at(ttft, 0.99), at(e2e, 0.5), at(e2e, 0.99),
          judged.stream().mapToInt(s -> s.admitted.promptTokens()).average().orElse(Double.NaN),
          judged.stream().mapToInt(s -> s.cached).average().orElse(Double.NaN), judged.size() / windowSeconds);
    }

    private static double at(double[] sorted, double q) {
      return new TaskTally(sorted, 0, 0).secondsAt(q);
    }
  }

  @Override
  public Measured run(ProbePlan p) {
    return measured(p, probe(p));
  }

  /** What the search is told of probe {@code p}'s run (an early stop's verdict stands for the planned window). */
  public static Measured measured(ProbePlan p, AgentRun r) {
    return new Measured(r.stoppedEarly() ? p.plannedRequests() : r.requests(), r.violations(), r.loadSeconds(), r.stoppedEarly(),
        Map.of(), r.stoppedEarly() ? 1 : r.designEffect());
  }

  /**
   * The probe's run: its window capped at {@link #WINDOW_CAP} times the planned seconds, as the main
   * job's {@code SearchDriver} caps a closed-loop window (the planned seconds come from an estimated
   * request rate; the window is meant to end when it holds its planned requests).
   */
  public AgentRun probe(ProbePlan p) {
    return simulate((int) Math.round(p.rate()), p.warmupSeconds(), p.plannedRequests(), WINDOW_CAP * p.seconds(), p.breakAt(),
        seed * 1000 + p.index());
  }

  /**
   * Runs {@code agents} agents: {@code warmupSeconds} unjudged, then a window of {@code windowRequests}
   * judged steps (or {@code maxWindowSeconds}), stopping early at {@code breakAt} (empty: never).
   */
  public AgentRun simulate(int agents, double warmupSeconds, long windowRequests, double maxWindowSeconds,
      Map<String, Long> breakAt, long runSeed) {
    ContinuousBatchingEngine engine = plan.newEngine(1.0, Profile.PHYSICS);
    PromptAdmission admission = PromptAdmission.lengthsOnly(plan, runSeed);
    SplittableRandom random = new SplittableRandom(runSeed);
    PriorityQueue<double[]> sends = new PriorityQueue<>(Comparator.comparingDouble((double[] e) -> e[0])); // {time, agent}
    PriorityQueue<Step> host = new PriorityQueue<>(Comparator.comparingDouble((Step s) -> s.ready));
    long[] task = new long[agents];
    int[] turn = new int[agents];
    double[] taskStart = new double[agents];
    boolean[] taskJudged = new boolean[agents];
    boolean[] taskAllMet = new boolean[agents];
    for (int a = 0; a < agents; a++) {
      sends.add(new double[] {random.nextDouble() * thinkSeconds, a});
      task[a] = a * 1_000_000L;
    }
    List<Step> inFlight = new ArrayList<>();
    Map<String, Long> violations = new LinkedHashMap<>();
    checks.forEach(c -> violations.put(c.share().key(), 0L));
    List<TaskOutcome> tasks = new ArrayList<>();
    List<Step> judgedSteps = new ArrayList<>();
    long judgedSent = 0;
    double responseSum = 0;
    long responses = 0;
    double windowEnd = Double.NaN; // set when the window has its requests, is cut by time, or stops early
    boolean early = false;
    double now = 0;
    double lastAnswer = 0;
    while (!sends.isEmpty() || !host.isEmpty() || engine.hasWork()) {
      if (!engine.hasWork()) {
        double next = Math.min(sends.isEmpty() ? Double.POSITIVE_INFINITY : sends.peek()[0],
            host.isEmpty() ? Double.POSITIVE_INFINITY : host.peek().ready);
        now = Math.max(now, next);
      }
      while (!sends.isEmpty() && sends.peek()[0] <= now) {
        double[] e = sends.poll();
        int a = (int) e[1];
        double at = e[0];
        if (Double.isNaN(windowEnd) && at >= warmupSeconds + maxWindowSeconds) {
          windowEnd = warmupSeconds + maxWindowSeconds;
        }
        if (!Double.isNaN(windowEnd) && at >= windowEnd) {
          continue; // the window is over: this agent stops
        }
        boolean judged = at >= warmupSeconds;
        if (turn[a] == 0) {
          taskStart[a] = at;
          taskJudged[a] = judged;
          taskAllMet[a] = true;
        }
        Step s = new Step(a, task[a], turn[a], at, judged);
        if (judged && ++judgedSent >= windowRequests && Double.isNaN(windowEnd)) {
          windowEnd = at + 1e-9; // this is the window's last request
        }
        admit(s, admission);
        s.ready = at + plan.coefficients().requestHostSeconds(s.admitted.request().imagePixels());
        host.add(s);
        inFlight.add(s);
      }
      while (!host.isEmpty() && host.peek().ready <= now) {
        engine.add(host.poll().admitted.request());
      }
      if (!engine.hasWork()) {
        continue;
      }
      EngineStep step = engine.step();
      now += step.seconds();
      for (Emission e : step.emissions()) {
        Step s = (Step) e.request().attachment();
        track(s, e, now);
        if (!e.last()) {
          continue;
        }
        inFlight.remove(s);
        lastAnswer = Math.max(lastAnswer, now);
        responseSum += s.last;
        s.cached = s.admitted.request().cachedTokens();
        if (s.judged && (Double.isNaN(windowEnd) || s.sent < windowEnd)) {
          judgedSteps.add(s);
        }
        responses++;
        boolean met = true;
        RequestRecord r = record(s);
        for (ObjectiveCheck c : checks) {
          if (c.violatedBy(r)) {
            met = false;
            if (s.judged) {
              violations.merge(c.share().key(), 1L, Long::sum);
            }
          }
        }
        int a = s.agent;
        taskAllMet[a] &= met;
        if (++turn[a] == stepsPerTask) {
          if (taskJudged[a] && (Double.isNaN(windowEnd) || s.sent < windowEnd)) {
            tasks.add(new TaskOutcome(now - taskStart[a], stepsPerTask, taskAllMet[a]));
          }
          turn[a] = 0;
          task[a]++;
        }
        sends.add(new double[] {now + thinkSeconds, a});
      }
      if (!early && Double.isNaN(windowEnd) && !breakAt.isEmpty() && broken(violations, inFlight, now, breakAt)) {
        early = true;
        windowEnd = now;
      }
    }
    double window = (Double.isNaN(windowEnd) ? now : windowEnd) - warmupSeconds;
    window = Math.max(window, 1e-9);
    double share = checks.stream().mapToDouble(c -> c.share().allowed()).min().orElse(DesignEffect.MIN_SHARE);
    double deff = DesignEffect.of(judgedSteps.stream().mapToDouble(s -> s.sent).toArray(),
        judgedSteps.stream().mapToDouble(s -> s.last).toArray(), share);
    return new AgentRun(judgedSent, violations, lastAnswer, early, window, TaskTally.of(tasks, window),
        StepFigures.of(judgedSteps, window), responses == 0 ? Double.NaN : responseSum / responses, deff);
  }

  private boolean broken(Map<String, Long> finished, List<Step> inFlight, double now, Map<String, Long> breakAt) {
    for (ObjectiveCheck c : checks) {
      long n = finished.get(c.share().key());
      long overdue = c.overdueAfterNanos();
      boolean ttft = c.slo() != null && c.slo().metric().equals("ttft");
      if (overdue >= 0) {
        for (Step s : inFlight) { // overdue: past an E2E limit, or past a TTFT limit with no token yet
          n += s.judged && (now - s.sent) * 1e9 > overdue && !(ttft && s.first >= 0) ? 1 : 0;
        }
      }
      if (n >= breakAt.getOrDefault(c.share().key(), Long.MAX_VALUE)) {
        return true;
      }
    }
    return false;
  }

  private void admit(Step s, PromptAdmission admission) {
    String session = "agent-" + s.agent + "-task-" + s.task;
    try {
      s.admitted = admission.admit(session + "-turn-" + s.turn, prompt.textTokens(s.turn), 0, List.of(AgentPrompt.screen()), 3000, s,
          prompt.parts(session, s.turn));
    } catch (PromptAdmission.Refusal r) {
      throw new IllegalStateException("the twin refuses a phone step of turn " + s.turn + ": " + r.getMessage(), r);
    }
  }

  private static void track(Step s, Emission e, double now) {
    double since = now - s.sent;
    if (e.tokenIndex() == 0) {
      s.first = since;
      s.itl = new long[Math.max(0, s.admitted.answer().tokens() - 1)];
    } else {
      s.itl[e.tokenIndex() - 1] = Math.round((since - s.previous) * 1e9);
    }
    s.previous = since;
    s.last = since;
  }

  private static RequestRecord record(Step s) {
    return new RequestRecord("agent-" + s.agent + "-" + s.task + "-" + s.turn, "", "phone-step", Math.round(s.sent * 1e6), 0,
        Math.round(s.first * 1e9), Math.round(s.last * 1e9), s.itl, s.admitted.promptTokens(), s.admitted.answer().tokens(),
        Outcome.OK, 200, "");
  }

  /** Requests per second N agents offer when each answer takes {@code responseSeconds}: X = N / (R + Z). */
  public double requestRate(double agents, double responseSeconds) {
    return agents / (responseSeconds + thinkSeconds);
  }
}
