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
   * Open loop: arrivals at {@code qps[i]} per second for {@code stepDuration}, Poisson (seeded
   * exponential gaps) or evenly spaced. Throughput stays at the offered rate below capacity;
   * latency absorbs overload.
   */
  record Open(List<Double> qps, Duration stepDuration, boolean poisson) implements LoadShape {
    public Open {
      qps = List.copyOf(qps);
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
  record Closed(List<Integer> agents, Duration thinkTime, int stepsPerTask, Duration stepDuration)
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
