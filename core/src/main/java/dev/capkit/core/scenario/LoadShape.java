package dev.capkit.core.scenario;

import java.time.Duration;
import java.util.List;

/**
 * How load is offered: open-loop arrivals at a target rate, or closed-loop phone-agent sessions.
 * Each level of the list is one step of the run (a ladder when there are several).
 */
public sealed interface LoadShape {
  /** Duration of each level. */
  Duration stepDuration();

  /** Number of load levels. */
  int levels();

  /** The offered load of level {@code i} in this shape's unit. */
  double level(int i);

  /** {@code qps} or {@code agents}. */
  String unit();

  /**
   * Load offered before the first step and not recorded (#18: a fresh JVM's class loading and JIT
   * must not land in the first step's tail): the first level's load for this long. Zero: none.
   */
  Duration warmup();

  /** Unrecorded time before the first step: ramp-up (open loop) and warm-up. */
  default Duration leadIn() {
    return warmup();
  }

  /**
   * Open loop: arrivals at {@code qps[i]} per second for {@code stepDuration}, with seeded gaps whose
   * coefficient of variation is {@code burstiness}: 0 evenly spaced, 1 Poisson (exponential gaps),
   * other values gamma-distributed gaps (above 1 burstier than Poisson). Throughput stays at the
   * offered rate below capacity; latency absorbs overload.
   *
   * @param maxConcurrency at most this many requests in flight (0: no cap); an arrival finding the
   *                       cap full waits for a slot, and the wait counts as schedule lag
   * @param rampUp         unrecorded time before the warm-up in which the rate rises linearly from 0
   *                       to the first level
   */
  record Open(List<Double> qps, Duration stepDuration, double burstiness, int maxConcurrency, Duration rampUp,
      Duration warmup) implements LoadShape {
    public Open {
      qps = List.copyOf(qps);
    }

    /** Open loop with Poisson or evenly spaced arrivals, no cap, ramp-up or warm-up. */
    public Open(List<Double> qps, Duration stepDuration, boolean poisson) {
      this(qps, stepDuration, poisson ? 1 : 0, 0, Duration.ZERO, Duration.ZERO);
    }

    /** The arrivals' name as run.json records it: {@code uniform}, {@code poisson} or {@code gamma(cv=2)}. */
    public String arrivals() {
      return burstiness == 0 ? "uniform" : burstiness == 1 ? "poisson" : "gamma(cv=" + burstiness + ")";
    }

    @Override
    public Duration leadIn() {
      return rampUp.plus(warmup);
    }

    @Override
    public int levels() {
      return qps.size();
    }

    @Override
    public double level(int i) {
      return qps.get(i);
    }

    @Override
    public String unit() {
      return "qps";
    }
  }

  /**
   * Closed loop, as Open-AutoGLM runs: {@code agents[i]} phone agents each work through tasks of
   * {@code stepsPerTask} model calls, waiting {@code thinkTime} (the action and the wait after it)
   * between calls. Throughput follows X = N / (R + Z).
   */
  record Closed(List<Integer> agents, Duration thinkTime, int stepsPerTask, Duration stepDuration, Duration warmup)
      implements LoadShape {
    public Closed {
      agents = List.copyOf(agents);
    }

    @Override
    public int levels() {
      return agents.size();
    }

    @Override
    public double level(int i) {
      return agents.get(i);
    }

    @Override
    public String unit() {
      return "agents";
    }
  }
}
